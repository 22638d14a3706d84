package dev.strata.scheduler.messaging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.events.Topics;
import dev.strata.outbox.EventConsumer;
import dev.strata.outbox.Tracing;
import dev.strata.outbox.quarkus.EventConsumers;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunEngine.PipelineKey;

/**
 * Handles what workers report ({@code strata.events.task}) and dataset changes ({@code strata.events.dataset}), tuned
 * for latency: a task's success is turned into its downstream tasks' dispatch within milliseconds. The consumer loop,
 * its commit, retry and dead-letter policy are libs/outbox's {@link EventConsumer}, set up for that: partitions in
 * parallel ({@code strata.scheduler.listener-threads}), a poll of only starts waits {@code start-linger} for their
 * successes, offsets committed at most every {@code commit-interval}.
 */
@ApplicationScoped
public class EventListener {

    static final String NAME = "scheduler-events";

    private final SchedulerConfig config;
    private final EventConsumers consumers;
    private final EventHandler handler;
    private final RunEngine engine;

    EventListener(SchedulerConfig config, EventConsumers consumers, EventHandler handler, RunEngine engine) {
        this.config = config;
        this.consumers = consumers;
        this.handler = handler;
        this.engine = engine;
    }

    void onStart(@Observes StartupEvent event) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        props.putAll(config.consumer());
        consumers.startBatches(consumers.settings(NAME, config.consumerGroup(),
                List.of(Topics.TASK_EVENTS, Topics.DATASET_EVENTS))
                .withCommitInterval(config.commitInterval())
                .withThreads(Math.max(1, config.listenerThreads()))
                // a quick task's success is on its way: handle the start with it
                .withLinger(config.startLinger(),
                        events -> events.stream().allMatch(r -> r.event() != null
                                && r.event().data() instanceof TaskStarted))
                .withProperties(props), this::handlePartition);
    }

    /**
     * Handles the events of one partition: the events of one run in one transaction (a task's start and success that
     * came in one poll commit once), runs in the order they first appear, the events of a run in offset order. A
     * failure is retried by the consumer; events already handled come again and change nothing (their marks in
     * {@code processed_event}, or the state machine).
     */
    void handlePartition(List<EventConsumer.Received> batch) {
        Map<Object, List<EventConsumer.Received>> groups = new LinkedHashMap<>();
        Map<UUID, UUID> runOfTask = new HashMap<>();
        for (EventConsumer.Received item : batch) {
            groups.computeIfAbsent(groupOf(item.event(), runOfTask), k -> new ArrayList<>()).add(item);
        }
        for (List<EventConsumer.Received> group : groups.values()) {
            List<EventEnvelope<?>> events = group.stream().<EventEnvelope<?>>map(EventConsumer.Received::event)
                    .toList();
            List<PipelineKey> keys;
            // what the events lead to (the next tasks' requests) continues the trace of the latest work that sent one
            try (Tracing.Resumed trace = Tracing.resume(group.get(group.size() - 1).record().headers())) {
                keys = handler.handleAll(events);
            }
            for (PipelineKey key : keys) {
                engine.promote(key);
            }
        }
    }

    /** The run a task event is about (its transaction locks that run), or the event itself. */
    private static Object groupOf(EventEnvelope<?> event, Map<UUID, UUID> runOfTask) {
        Object data = event.data();
        if (data instanceof TaskStarted s) {
            runOfTask.put(s.taskRunId(), s.runId());
            return s.runId();
        } else if (data instanceof TaskSucceeded s) {
            runOfTask.put(s.taskRunId(), s.runId());
            return s.runId();
        } else if (data instanceof TaskFailed f) {
            runOfTask.put(f.taskRunId(), f.runId());
            return f.runId();
        } else if (data instanceof TaskHeartbeated h) {
            return runOfTask.getOrDefault(h.taskRunId(), h.taskRunId());
        }
        return event.id(); // a dataset event: a transaction of its own
    }

}
