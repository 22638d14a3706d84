package dev.strata.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One fixed sample envelope per event type: the values the golden files in {@code golden/} were checked against. */
final class Samples {

    static final UUID RUN_ID = UUID.fromString("5b0d7c1e-3f4a-4e8b-9c2d-1a6e8f0b2c4d");
    static final UUID TASK_RUN_ID = UUID.fromString("c3a1e5f7-2b4d-4c6e-8a0b-9d1f3e5a7c9b");
    static final UUID VERSION_ID = UUID.fromString("0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b");
    static final UUID LOAD_ID = UUID.fromString("7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d");
    static final Instant TIME = Instant.parse("2025-03-14T09:26:53.589Z");

    private static final Map<Class<? extends StrataEvent>, EventEnvelope<?>> BY_CLASS = List.<EventEnvelope<?>>of(
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000001", "/strata/registry", "sales.orders",
                    new DatasetUpdated("sales", "orders", VERSION_ID, 1_204_331L, 88_412_907L, LOAD_ID,
                            "s3://strata-raw/sales/orders/load=7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d/", RUN_ID,
                            List.of(new DatasetColumn("order_id", "bigint"), new DatasetColumn("amount", "numeric")))),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000002", "/strata/scheduler", TASK_RUN_ID.toString(),
                    new IngestRequested(TASK_RUN_ID, RUN_ID, "sales", "orders", 1,
                            Map.of("connector", "postgres", "table", "public.orders", "mode", "incremental"))),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000003", "/strata/scheduler", TASK_RUN_ID.toString(),
                    new TransformRequested(TASK_RUN_ID, RUN_ID, "sales", "2025.03.14-1", "+orders_daily",
                            Map.of("start_date", "2025-03-13"), 2)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000004", "/strata/ingest", TASK_RUN_ID.toString(),
                    new TaskStarted(TASK_RUN_ID, RUN_ID, "ingest-worker-7d9f6b-x2k4p", 1)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000005", "/strata/ingest", TASK_RUN_ID.toString(),
                    new TaskHeartbeated(TASK_RUN_ID, "ingest-worker-7d9f6b-x2k4p", 1)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000006", "/strata/ingest", TASK_RUN_ID.toString(),
                    new TaskSucceeded(TASK_RUN_ID, RUN_ID, 1_204_331L, 88_412_907L, 42_518L,
                            Map.of("versionId", VERSION_ID.toString(), "loadId", LOAD_ID.toString()), 1)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000007", "/strata/ingest", TASK_RUN_ID.toString(),
                    new TaskFailed(TASK_RUN_ID, RUN_ID,
                            "line 4127, column `amount`: 'abc' is not a number", false, 3_904L, 1)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000008", "/strata/scheduler", RUN_ID.toString(),
                    new RunStarted(RUN_ID, "sales", "orders-daily", 3, "schedule")),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000009", "/strata/scheduler", RUN_ID.toString(),
                    new RunSucceeded(RUN_ID, "sales", "orders-daily", 185_220L)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-00000000000a", "/strata/scheduler", RUN_ID.toString(),
                    new RunFailed(RUN_ID, "sales", "orders-daily", "load_orders",
                            "line 4127, column `amount`: 'abc' is not a number", 61_007L)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-00000000000b", "/strata/transform", "sales.orders",
                    new QualityTestFailed("sales", "orders", "not_null(customer_id)", "error", 17L, RUN_ID)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-00000000000c", "/strata/scheduler", "sales.orders",
                    new FreshnessBreached("sales", "orders", Instant.parse("2025-03-13T06:00:12Z"), 86_400L,
                            "warn")),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-00000000000d", "/strata/scheduler", RUN_ID.toString(),
                    new RunSlaMissed(RUN_ID, "sales", "orders-daily", 3_600_000L, 3_600_412L)),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-00000000000e", "/strata/scheduler", RUN_ID.toString(),
                    new RunTransitioned(RUN_ID, TASK_RUN_ID, "load_orders", "sales", "orders-daily", "running",
                            "retrying", 1, "connection reset by the source")),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-00000000000f", "/strata/scheduler", RUN_ID.toString(),
                    new NotificationRequested(RUN_ID, TASK_RUN_ID, "sales", "orders-daily", "data-alerts", "task",
                            "running", "orders loaded for 2025-03-13")),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000010", "/strata/scheduler", "sales",
                    new AuditRecorded("scheduler:orders-daily", "sql.executed", RUN_ID.toString(), "sales",
                            Map.of("sql", "delete from sales__silver.orders where day < current_date - 90",
                                    "updateCount", "42"))),
            envelope("3d1f2a8e-0c1b-4f5e-a6d7-000000000011", "/strata/ingest", TASK_RUN_ID.toString(),
                    new TaskLogged(TASK_RUN_ID, 1, "ingest-worker-7d9f6b-x2k4p", List.of(
                            new TaskLogged.Line(1, TIME, "info", "source opened: https://files.example.com/orders.csv"),
                            new TaskLogged.Line(2, TIME, "warn", "line 4127: 1 row quarantined")))))
            .stream()
            .collect(Collectors.toUnmodifiableMap(envelope -> envelope.data().getClass(), Function.identity()));

    private Samples() {
    }

    /** The sample envelope for an event type, if one was written. */
    static Optional<EventEnvelope<?>> of(Class<? extends StrataEvent> eventClass) {
        return Optional.ofNullable(BY_CLASS.get(eventClass));
    }

    private static <T extends StrataEvent> EventEnvelope<T> envelope(String id, String source, String subject,
            T data) {
        return new EventEnvelope<>(EventEnvelope.SPEC_VERSION, UUID.fromString(id), source, data.eventType(), subject,
                TIME, EventEnvelope.DATA_CONTENT_TYPE, data);
    }
}
