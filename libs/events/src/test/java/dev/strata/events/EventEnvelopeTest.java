package dev.strata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class EventEnvelopeTest {

    private static final QualityTestFailed DATA = new QualityTestFailed("sales", "orders", "unique(order_id)", "warn",
            3L, null);

    @Test
    void ofFillsTheCloudEventsAttributes() {
        Instant before = Instant.now();

        EventEnvelope<QualityTestFailed> envelope = EventEnvelope.of("/strata/transform", "sales.orders", DATA);

        assertEquals("1.0", envelope.specversion());
        assertEquals("/strata/transform", envelope.source());
        assertEquals("dev.strata.quality.test.failed.v1", envelope.type());
        assertEquals("sales.orders", envelope.subject());
        assertEquals("application/json", envelope.datacontenttype());
        assertEquals(DATA, envelope.data());
        assertTrue(!envelope.time().isBefore(before) && Duration.between(before, envelope.time()).getSeconds() < 5,
                () -> "time " + envelope.time() + " is not now");
        assertNotEquals(envelope.id(), EventEnvelope.of("/strata/transform", "sales.orders", DATA).id());
    }

    @Test
    void partitionKeyIsTheSubject() {
        assertEquals("sales.orders", EventEnvelope.of("/strata/transform", "sales.orders", DATA).partitionKey());
    }

    @Test
    void rejectsATypeThatDoesNotMatchTheData() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new EventEnvelope<>("1.0", UUID.randomUUID(), "/strata/transform", "dev.strata.run.failed.v1",
                        "sales.orders", Instant.now(), "application/json", DATA));

        assertEquals("type 'dev.strata.run.failed.v1' does not match data QualityTestFailed "
                + "('dev.strata.quality.test.failed.v1')", error.getMessage());
    }

    @Test
    void requiresASubjectBecauseItIsTheKafkaKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> EventEnvelope.of("/strata/transform", " ", DATA));

        assertEquals("subject is required", error.getMessage());
    }
}
