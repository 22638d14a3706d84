package dev.strata.scheduler.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;

import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.outbox.IdempotentConsumer;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunEngine.PipelineKey;
import dev.strata.scheduler.trigger.DatasetTriggers;
import dev.strata.web.db.DataAccessException;

/**
 * Handles one consumed event in one transaction, once per event id (the mark in {@code processed_event} commits with
 * the state change). Answers the pipelines whose queued runs may start now.
 */
@ApplicationScoped
public class EventHandler {

    static final String CONSUMER = "scheduler.events";

    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private final AgroalDataSource dataSource;
    private final RunEngine engine;
    private final DatasetTriggers datasetTriggers;

    EventHandler(AgroalDataSource dataSource, RunEngine engine, DatasetTriggers datasetTriggers) {
        this.dataSource = dataSource;
        this.engine = engine;
        this.datasetTriggers = datasetTriggers;
    }

    @Transactional
    public List<PipelineKey> handle(EventEnvelope<?> event) {
        return handleAll(List.of(event));
    }

    /**
     * Handles the events in this order in one transaction (one commit for, say, a task's start and success that
     * arrived together): the marks of all events in {@code processed_event} in one statement, the state changes, then
     * their transitions and outbox events in one more. A redelivered event is skipped. If any event fails, the whole
     * transaction rolls back, marks included, and the caller retries.
     */
    @Transactional
    public List<PipelineKey> handleAll(List<EventEnvelope<?>> events) {
        List<PipelineKey> promote = new ArrayList<>();
        try (Connection tx = dataSource.getConnection()) {
            // heartbeats are idempotent by nature, and frequent: no mark
            Set<UUID> fresh = idempotent.markAllProcessed(tx, CONSUMER, events.stream()
                    .filter(event -> !(event.data() instanceof TaskHeartbeated)).map(EventEnvelope::id).toList());
            engine.holdWrites();
            for (EventEnvelope<?> event : events) {
                Object data = event.data();
                if (data instanceof TaskHeartbeated hb) {
                    engine.onHeartbeat(hb.taskRunId(), hb.worker());
                } else if (fresh.remove(event.id())) { // once, even if the poll brought it twice
                    if (data instanceof TaskStarted s) {
                        engine.onStarted(s.taskRunId(), s.attempt(), s.worker());
                    } else if (data instanceof TaskSucceeded s) {
                        add(promote, engine.onSucceeded(s.taskRunId(), s.rows(), s.bytes(), s.outputs()));
                    } else if (data instanceof TaskFailed f) {
                        add(promote, engine.onFailed(f.taskRunId(), f.error(), f.retryable()));
                    } else if (data instanceof DatasetUpdated d) {
                        datasetTriggers.onDatasetUpdated(d);
                    }
                }
            }
            engine.writeHeld();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        return promote;
    }

    private static void add(List<PipelineKey> keys, Optional<PipelineKey> key) {
        key.ifPresent(keys::add);
    }
}
