package dev.strata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void roundTripsAnEnvelopeMadeByOf() {
        EventEnvelope<RunStarted> envelope = EventEnvelope.of("/strata/scheduler", Samples.RUN_ID.toString(),
                new RunStarted(Samples.RUN_ID, "sales", "orders-daily", 3, "manual"));

        EventEnvelope<? extends StrataEvent> decoded = codec.decode(codec.encode(envelope));

        assertEquals(envelope, decoded);
    }

    @Test
    void encodeToStringIsTheUtf8OfEncode() {
        EventEnvelope<?> envelope = Samples.of(TaskFailed.class).orElseThrow();

        assertEquals(new String(codec.encode(envelope), StandardCharsets.UTF_8), codec.encodeToString(envelope));
        assertEquals(envelope, codec.decode(codec.encodeToString(envelope)));
    }

    @Test
    void writesTimesAsIsoUtcStrings() {
        EventEnvelope<FreshnessBreached> envelope = envelope(new FreshnessBreached("sales", "orders",
                Instant.parse("2025-03-13T06:00:12.5Z"), 86_400L, "warn"));

        String json = codec.encodeToString(envelope);

        assertTrue(json.contains("\"time\":\"2025-03-14T09:26:53.589Z\""), json);
        assertTrue(json.contains("\"loadedAt\":\"2025-03-13T06:00:12.500Z\""), json);
    }

    @Test
    void leavesOutNullFieldsAndReadsThemBackAsNull() {
        EventEnvelope<DatasetUpdated> envelope = envelope(new DatasetUpdated("sales", "orders", Samples.VERSION_ID,
                10L, 2_048L, Samples.LOAD_ID, "s3://strata-raw/sales/orders/", null, null));

        String json = codec.encodeToString(envelope);

        assertFalse(json.contains("producedByRun"), json);
        DatasetUpdated decoded = (DatasetUpdated) codec.decode(json).data();
        assertNull(decoded.producedByRun());
        assertEquals(envelope.data(), decoded);
    }

    @Test
    void ignoresPropertiesItDoesNotKnow() {
        String json = """
                {"specversion":"1.0","id":"3d1f2a8e-0c1b-4f5e-a6d7-000000000005","source":"/strata/ingest",
                 "type":"dev.strata.task.heartbeated.v1","subject":"c3a1e5f7-2b4d-4c6e-8a0b-9d1f3e5a7c9b",
                 "time":"2025-03-14T09:26:53.589Z","datacontenttype":"application/json",
                 "traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                 "data":{"taskRunId":"c3a1e5f7-2b4d-4c6e-8a0b-9d1f3e5a7c9b","worker":"w-1","cpuPercent":87}}
                """;

        EventEnvelope<? extends StrataEvent> decoded = codec.decode(json);

        assertEquals(new TaskHeartbeated(Samples.TASK_RUN_ID, "w-1", 0), decoded.data());
    }

    @Test
    void readsATaskReportWithoutItsAttemptAsAttemptZero() {
        // a worker older than the field: the scheduler takes the report for the task's current attempt
        String json = """
                {"specversion":"1.0","id":"3d1f2a8e-0c1b-4f5e-a6d7-000000000007","source":"/strata/ingest",
                 "type":"dev.strata.task.failed.v1","subject":"c3a1e5f7-2b4d-4c6e-8a0b-9d1f3e5a7c9b",
                 "time":"2025-03-14T09:26:53.589Z","datacontenttype":"application/json",
                 "data":{"taskRunId":"c3a1e5f7-2b4d-4c6e-8a0b-9d1f3e5a7c9b",
                         "runId":"5b0d7c1e-3f4a-4e8b-9c2d-1a6e8f0b2c4d","error":"disk full","retryable":true,
                         "durationMs":12}}
                """;

        TaskFailed decoded = (TaskFailed) codec.decode(json).data();

        assertEquals(new TaskFailed(Samples.TASK_RUN_ID, Samples.RUN_ID, "disk full", true, 12, 0), decoded);
    }

    @Test
    void rejectsAnUnknownTypeNamingTheKnownOnes() {
        String json = codec.encodeToString(Samples.of(RunSucceeded.class).orElseThrow())
                .replace(RunSucceeded.TYPE, "dev.strata.run.exploded.v1");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> codec.decode(json));

        assertTrue(error.getMessage().startsWith("unknown event type 'dev.strata.run.exploded.v1'; known: "),
                error.getMessage());
        for (String type : EventTypes.all()) {
            assertTrue(error.getMessage().contains(type), () -> error.getMessage() + " does not name " + type);
        }
    }

    @Test
    void rejectsMalformedJsonWithAPlainMessage() {
        String json = "{\"specversion\":\"1.0\",\n\"type\": dev.strata.run.started.v1}";

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> codec.decode(json));

        assertTrue(error.getMessage().startsWith("malformed event JSON at line 2, column "), error.getMessage());
        assertFalse(error.getMessage().contains("Source:"), error.getMessage());
        assertFalse(error.getMessage().contains("com.fasterxml"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
    }

    @Test
    void rejectsMalformedBytes() {
        byte[] json = "{\"type\":".getBytes(StandardCharsets.UTF_8);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> codec.decode(json));

        assertTrue(error.getMessage().startsWith("malformed event JSON"), error.getMessage());
        assertFalse(error.getMessage().contains("com.fasterxml"), error.getMessage());
    }

    @Test
    void rejectsJsonThatIsNotAnObject() {
        assertEquals("malformed event JSON: expected an object",
                assertThrows(IllegalArgumentException.class, () -> codec.decode("[1, 2]")).getMessage());
        assertEquals("malformed event JSON: expected an object",
                assertThrows(IllegalArgumentException.class, () -> codec.decode("")).getMessage());
    }

    @Test
    void rejectsAnEventWithoutType() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> codec.decode("{\"specversion\":\"1.0\",\"data\":{}}"));

        assertEquals("event has no 'type' attribute", error.getMessage());
    }

    @Test
    void namesTheFieldThatHasAWrongValue() {
        String json = codec.encodeToString(Samples.of(DatasetUpdated.class).orElseThrow())
                .replace("\"rowCount\":1204331", "\"rowCount\":\"many\"");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> codec.decode(json));

        assertTrue(error.getMessage().startsWith(
                "invalid dev.strata.dataset.updated.v1 event 3d1f2a8e-0c1b-4f5e-a6d7-000000000001: data.rowCount: "),
                error.getMessage());
        assertFalse(error.getMessage().contains("Source:"), error.getMessage());
    }

    @Test
    void namesTheRequiredFieldThatIsMissing() {
        String json = codec.encodeToString(Samples.of(TaskStarted.class).orElseThrow())
                .replace("\"worker\":\"ingest-worker-7d9f6b-x2k4p\",", "");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> codec.decode(json));

        assertEquals("invalid dev.strata.task.started.v1 event 3d1f2a8e-0c1b-4f5e-a6d7-000000000004: "
                + "data: worker is required", error.getMessage());
    }

    @Test
    void decodesToTheExpectedClass() {
        byte[] json = codec.encode(Samples.of(IngestRequested.class).orElseThrow());

        EventEnvelope<IngestRequested> envelope = codec.decode(json, IngestRequested.class);

        assertEquals(Map.of("connector", "postgres", "table", "public.orders", "mode", "incremental"),
                envelope.data().params());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> codec.decode(json, TransformRequested.class));
        assertEquals("expected a dev.strata.task.transform.requested.v1 event but got "
                + "dev.strata.task.ingest.requested.v1 (id 3d1f2a8e-0c1b-4f5e-a6d7-000000000002)", error.getMessage());
    }

    private static <T extends StrataEvent> EventEnvelope<T> envelope(T data) {
        return new EventEnvelope<>("1.0", UUID.fromString("3d1f2a8e-0c1b-4f5e-a6d7-0000000000ff"), "/strata/test",
                data.eventType(), "sales.orders", Samples.TIME, "application/json", data);
    }
}
