package dev.strata.outbox.quarkus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.OutboxRelay;
import dev.strata.outbox.Tracing;

/** The outbox as a Quarkus service uses it: Flyway runs db/outbox, a @Transactional method appends, the relay runs. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class OutboxQuarkusTest {

    private final EventCodec codec = new EventCodec();

    @InjectDevStack
    DevStack stack;

    @Inject
    ThingService things;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelayRunner runner;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theRelayRunsWithTheServicesConfiguration() {
        OutboxRelay relay = runner.relay().orElseThrow(() -> new AssertionError("the relay is not running"));
        assertTrue(relay.isRunning());
        assertEquals(50, relay.settings().batchSize());
        assertEquals(Duration.ofSeconds(60), relay.settings().pollInterval());
        assertEquals(Duration.ofDays(7), relay.settings().retention(), "default retention");
        assertEquals(stack.kafka().bootstrapServers(), relay.settings().bootstrapServers());
        assertEquals("thing-service-outbox", relay.settings().producerConfig().get("client.id"));
        assertEquals("all", relay.settings().producerConfig().get("acks"));
    }

    @Test
    void anEventAppendedInATransactionIsPublishedWhenItCommits() throws Exception {
        EventEnvelope<DatasetUpdated> envelope = EventEnvelope.of("/strata/test", "sales.orders",
                new DatasetUpdated("sales", "orders", UUID.randomUUID(), 10, 2048, UUID.randomUUID(),
                        "s3://strata-raw/sales/orders/", null, List.of()));

        things.change("sales.orders", 1, OutboxMessage.of(envelope, codec));

        // the relay idles for 60 s between looks: only the wake-up after the commit gets it out this fast
        ConsumerRecord<String, byte[]> record = awaitRecord(Topics.DATASET_EVENTS, envelope.id(),
                Duration.ofSeconds(20));
        assertEquals("sales.orders", record.key());
        assertEquals(DatasetUpdated.TYPE, header(record, OutboxMessage.TYPE_HEADER));
        assertEquals(OutboxMessage.CLOUDEVENTS_JSON, header(record, OutboxMessage.CONTENT_TYPE_HEADER));
        assertEquals(envelope, codec.decode(record.value()));
        assertEquals(1, thing("sales.orders"));
    }

    @Test
    void anEventWrittenForATracedRequestCarriesTheRequestsTraceToKafka() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String[] answer = given().header("traceparent", traceparent).post("/things/traced")
                .then().statusCode(200).extract().asString().split(" ");
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", answer[1], "the request's log lines name its trace");

        ConsumerRecord<String, byte[]> record = awaitRecord(Topics.DATASET_EVENTS, UUID.fromString(answer[0]),
                Duration.ofSeconds(20));
        assertEquals(traceparent, header(record, Tracing.TRACEPARENT));
        try (Tracing.Resumed resumed = Tracing.resume(record.headers())) {
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", Tracing.currentTraceId(), "a consumer resumes it");
        }
        assertEquals(null, Tracing.currentTraceId(), "and leaves it when done");

        String[] untraced = given().post("/things/untraced").then().statusCode(200).extract().asString().split(" ");
        assertEquals("null", untraced[1], "a request without trace context does not inherit an earlier one");
        ConsumerRecord<String, byte[]> plain = awaitRecord(Topics.DATASET_EVENTS, UUID.fromString(untraced[0]),
                Duration.ofSeconds(20));
        assertEquals(null, plain.headers().lastHeader(Tracing.TRACEPARENT));
    }

    @Test
    void anEventOfARolledBackTransactionIsNeverWritten() throws Exception {
        UUID id = UUID.randomUUID();
        OutboxMessage event = new OutboxMessage(id, "strata.test.quarkus", "k", "dev.strata.test.rejected.v1",
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThrows(IllegalStateException.class, () -> things.changeThenFail("rejected", 1, event));

        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM outbox WHERE event_id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the event went with the rolled-back state change");
            }
        }
        assertEquals(-1, thing("rejected"));
    }

    @Test
    void appendingOutsideATransactionIsRefused() {
        OutboxMessage event = new OutboxMessage(UUID.randomUUID(), "strata.test.quarkus", "k", "dev.strata.test.x.v1",
                "{}".getBytes(StandardCharsets.UTF_8));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> outbox.append(event));
        assertTrue(e.getMessage().contains("@Transactional"), e.getMessage());
    }

    @Test
    void aListenerInATransactionHandlesEachEventOnce() throws Exception {
        UUID event = UUID.randomUUID();

        assertThrows(IllegalStateException.class, () -> things.onEvent(event, "counted", true));
        assertEquals(-1, thing("counted"), "the failed handling left nothing");
        assertTrue(things.onEvent(event, "counted", false), "the retry handles it");
        assertFalse(things.onEvent(event, "counted", false), "the redelivery is skipped");
        assertEquals(1, thing("counted"));
    }

    private ConsumerRecord<String, byte[]> awaitRecord(String topic, UUID id, Duration timeout) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-quarkus-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (id.toString().equals(header(record, OutboxMessage.ID_HEADER))) {
                        return record;
                    }
                }
            }
        }
        return fail("event " + id + " was not published to " + topic + " within " + timeout.toSeconds() + " s");
    }

    private int thing(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT n FROM thing WHERE key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
