package dev.strata.scheduler.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import io.quarkus.runtime.StartupEvent;

import dev.strata.events.TaskLogged;
import dev.strata.events.Topics;
import dev.strata.outbox.EventConsumer;
import dev.strata.outbox.quarkus.EventConsumers;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.log.TaskLogStore;

/**
 * Keeps task log lines ({@code strata.events.tasklog}) in {@code task_log}, in a consumer group of its own
 * ({@code <consumer-group>-logs}) so that log traffic never delays the task events. The loop, its commit, retry and
 * dead-letter policy are libs/outbox's {@link EventConsumer}; a partition's polled events are one insert, and a line
 * already kept (same task run, attempt and seq) is skipped, so a redelivered batch changes nothing — no per-event mark
 * is needed.
 */
@ApplicationScoped
public class TaskLogListener {

    static final String NAME = "scheduler-task-logs";

    private final SchedulerConfig config;
    private final EventConsumers consumers;
    private final TaskLogStore store;

    TaskLogListener(SchedulerConfig config, EventConsumers consumers, TaskLogStore store) {
        this.config = config;
        this.consumers = consumers;
        this.store = store;
    }

    void onStart(@Observes StartupEvent event) {
        Map<String, Object> props = new HashMap<>(config.consumer());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        consumers.startBatches(consumers.settings(NAME, config.consumerGroup() + "-logs", List.of(Topics.TASK_LOGS))
                .withProperties(props), this::keep);
    }

    void keep(List<EventConsumer.Received> events) {
        store.keep(events.stream().map(EventConsumer.Received::event)
                .filter(e -> e != null && e.data() instanceof TaskLogged)
                .map(e -> (TaskLogged) e.data())
                .toList());
    }
}
