package dev.strata.transform.messaging;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskFailed;
import dev.strata.events.Topics;
import dev.strata.events.TransformRequested;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.quarkus.EventConsumers;
import dev.strata.outbox.quarkus.Outbox;
import dev.strata.transform.build.Build;
import dev.strata.transform.build.BuildRepository;
import dev.strata.transform.build.BuildService;
import dev.strata.transform.build.BuildWorker;
import dev.strata.transform.config.TransformConfig;
import dev.strata.transform.version.ProjectVersion;

/**
 * Takes {@code TransformRequested} tasks from {@code strata.tasks.transform} and queues them as builds (in the
 * request's trace; the build runs in it too: see BuildWorker), once per event id: the build commits with the event's
 * processed mark. The consumer loop, its commit, retry and dead-letter policy are libs/outbox's
 * {@link EventConsumers}. A task naming no known project version fails at once with a {@code TaskFailed} (not
 * retryable).
 */
@ApplicationScoped
public class TransformRequestedListener implements EventConsumers.Handler {

    static final String CONSUMER = "transform.tasks";
    private static final EventCodec CODEC = new EventCodec();

    @Inject
    TransformConfig config;
    @Inject
    EventConsumers consumers;
    @Inject
    BuildRepository builds;
    @Inject
    BuildService service;
    @Inject
    BuildWorker worker;
    @Inject
    Outbox outbox;

    void onStart(@Observes StartupEvent event) {
        if (config.consumeTasks()) {
            consumers.start(consumers.settings(CONSUMER, config.consumerGroup(), List.of(Topics.TASKS_TRANSFORM))
                    .withProperties(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50)), this);
        }
    }

    @Override
    public boolean accepts(EventEnvelope<?> event) {
        return event.data() instanceof TransformRequested;
    }

    @Override
    public Runnable handle(EventEnvelope<?> event, Connection tx) throws java.sql.SQLException {
        TransformRequested task = (TransformRequested) event.data();
        ProjectVersion version = service.resolve(task.namespace(), task.projectVersion());
        if (version == null) {
            outbox.append(tx, OutboxMessage.of(EventEnvelope.of("/strata/transform", task.taskRunId().toString(),
                    new TaskFailed(task.taskRunId(), task.runId(), "project version '" + task.projectVersion()
                            + "' does not exist in namespace '" + task.namespace() + "'", false, 0, task.attempt())),
                    CODEC));
            return null;
        }
        Map<String, Object> vars = Map.copyOf(task.vars());
        String selector = task.selector().strip();
        builds.insert(tx, new Build(UUID.randomUUID(), task.namespace(), version.project(), version.id(),
                selector.equals("*") ? "" : selector, "", vars, false, "queued", null, task.taskRunId(),
                task.runId(), task.attempt(), "task:" + task.taskRunId(), Instant.now(), null, null, null));
        return worker::wakeUp;
    }
}
