package dev.strata.notifier.notification;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a subscription can ask to be told about. */
public enum EventKind {
    RUN_FAILED("run_failed"),
    RUN_SUCCEEDED("run_succeeded"),
    SLA_MISSED("sla_missed"),
    DATA_TEST_FAILED("data_test_failed"),
    FRESHNESS_BREACHED("freshness_breached"),
    /** A message a pipeline sends to a channel it names (NotificationRequested); no subscription can ask for it. */
    PIPELINE_MESSAGE("pipeline_message"),
    /** A test-send from the API; no subscription can ask for it. */
    TEST("test");

    private final String id;

    EventKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<EventKind> parse(String id) {
        return Arrays.stream(values()).filter(k -> k != TEST && k != PIPELINE_MESSAGE && k.id.equals(id)).findFirst();
    }

    /** The ids a subscription may use, for error messages. */
    public static String subscribable() {
        return Arrays.stream(values()).filter(k -> k != TEST && k != PIPELINE_MESSAGE).map(EventKind::id)
                .collect(Collectors.joining(", "));
    }
}
