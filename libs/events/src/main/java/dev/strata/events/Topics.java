package dev.strata.events;

import java.util.List;
import java.util.Map;

/**
 * Kafka topic names, in one place, and which topic each event type is published to. Services map their
 * {@code mp.messaging} channels to these names.
 */
public final class Topics {

    /** Work for ingest workers: {@link IngestRequested}. */
    public static final String TASKS_INGEST = "strata.tasks.ingest";
    /** Work for transform workers: {@link TransformRequested}. */
    public static final String TASKS_TRANSFORM = "strata.tasks.transform";
    /** What workers report about task attempts: started, heartbeated, succeeded, failed. */
    public static final String TASK_EVENTS = "strata.events.task";
    /**
     * Log lines of task attempts: {@link TaskLogged}. A topic of its own, so that chatty tasks never delay the task
     * events the scheduler hands off on.
     */
    public static final String TASK_LOGS = "strata.events.tasklog";
    /** Pipeline run lifecycle: started, succeeded, failed, SLA missed. */
    public static final String RUN_EVENTS = "strata.events.run";
    /** Dataset changes: {@link DatasetUpdated}. */
    public static final String DATASET_EVENTS = "strata.events.dataset";
    /** Data quality findings: failed tests, breached freshness. */
    public static final String QUALITY_EVENTS = "strata.events.quality";
    /** What services did in the data plane on someone's behalf: {@link AuditRecorded}, for the audit log. */
    public static final String AUDIT_EVENTS = "strata.events.audit";
    /**
     * Records a service's consumer gave up on (libs/outbox {@code EventConsumer}): the record as it was, with the
     * consumer, origin and reason in {@code strata_dead_letter_*} headers.
     */
    public static final String DEAD_LETTERS = "strata.dead-letters";

    private static final List<String> ALL = List.of(TASKS_INGEST, TASKS_TRANSFORM, TASK_EVENTS, RUN_EVENTS,
            DATASET_EVENTS, QUALITY_EVENTS, AUDIT_EVENTS, TASK_LOGS);

    private static final List<String> PLATFORM = java.util.stream.Stream.concat(ALL.stream(),
            java.util.stream.Stream.of(DEAD_LETTERS)).toList();

    private static final Map<Class<? extends StrataEvent>, String> TOPIC_BY_EVENT = Map.ofEntries(
            Map.entry(DatasetUpdated.class, DATASET_EVENTS),
            Map.entry(IngestRequested.class, TASKS_INGEST),
            Map.entry(TransformRequested.class, TASKS_TRANSFORM),
            Map.entry(TaskStarted.class, TASK_EVENTS),
            Map.entry(TaskHeartbeated.class, TASK_EVENTS),
            Map.entry(TaskSucceeded.class, TASK_EVENTS),
            Map.entry(TaskFailed.class, TASK_EVENTS),
            Map.entry(RunStarted.class, RUN_EVENTS),
            Map.entry(RunSucceeded.class, RUN_EVENTS),
            Map.entry(RunFailed.class, RUN_EVENTS),
            Map.entry(QualityTestFailed.class, QUALITY_EVENTS),
            Map.entry(FreshnessBreached.class, QUALITY_EVENTS),
            Map.entry(RunSlaMissed.class, RUN_EVENTS),
            Map.entry(RunTransitioned.class, RUN_EVENTS),
            Map.entry(NotificationRequested.class, RUN_EVENTS),
            Map.entry(AuditRecorded.class, AUDIT_EVENTS),
            Map.entry(TaskLogged.class, TASK_LOGS));

    private Topics() {
    }

    /** Every topic an event type is published to, e.g. for creating them in a dev stack. */
    public static List<String> all() {
        return ALL;
    }

    /**
     * Every topic the platform's services read or write: {@link #all()} and {@link #DEAD_LETTERS}. Each service makes
     * sure they exist when it starts (libs/outbox {@code TopicBootstrap}), so a broker without auto-creation works.
     */
    public static List<String> platform() {
        return PLATFORM;
    }

    /** The topic an event is published to. */
    public static String forEvent(StrataEvent event) {
        return forEventType(event.getClass());
    }

    /** The topic events of this record class are published to. */
    public static String forEventType(Class<? extends StrataEvent> eventClass) {
        String topic = TOPIC_BY_EVENT.get(eventClass);
        if (topic == null) {
            throw new IllegalStateException("no topic for " + eventClass.getSimpleName() + "; add it to Topics");
        }
        return topic;
    }
}
