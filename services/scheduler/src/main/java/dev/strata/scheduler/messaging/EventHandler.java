package dev.strata.scheduler.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
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
 * Handles consumed events in one transaction, each once: by its mark in {@code processed_event} (committed with the
 * state change), or, for a task's start and success, by the state machine, which takes each only once. Answers the pipelines whose queued runs may start now.
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
     * arrived together): the marks of the events that need one in {@code processed_event} in one statement, the state
     * changes, then their transitions and outbox events in one more. A redelivered event changes nothing. If any event
     * fails, the whole transaction rolls back, marks included, and the caller retries.
     */
    @Transactional
    public List<PipelineKey> handleAll(List<EventEnvelope<?>> events) {
        List<PipelineKey> promote = new ArrayList<>();
        try (Connection tx = dataSource.getConnection()) {
            // Marked once in processed_event: failures (a redelivered failure of attempt 1 must not fail attempt 2)
            // and dataset changes (they start runs). Starts and successes need no mark: the state machine takes each
            // only once (a start only moves a queued task of its attempt, a success only a task not finished), so a
            // redelivered one changes nothing, and a quick task's hand-off saves the round trip. Heartbeats are
            // idempotent by nature.
            List<UUID> toMark = events.stream().filter(event -> needsMark(event.data())).map(EventEnvelope::id)
                    .toList();
            Set<UUID> fresh = new HashSet<>(idempotent.markAllProcessed(tx, CONSUMER, toMark));
            events.stream()
                    .filter(event -> event.data() instanceof TaskStarted || event.data() instanceof TaskSucceeded)
                    .forEach(event -> fresh.add(event.id()));
            engine.holdWrites();
            for (int i = 0; i < events.size(); i++) {
                EventEnvelope<?> event = events.get(i);
                Object data = event.data();
                if (data instanceof TaskHeartbeated hb) {
                    engine.onHeartbeat(hb.taskRunId(), hb.attempt(), hb.worker());
                } else if (fresh.remove(event.id())) { // once, even if the poll brought it twice
                    TaskSucceeded success = data instanceof TaskStarted s
                            ? successRightAfter(events, i, s, fresh)
                            : null;
                    if (success != null) {
                        TaskStarted s = (TaskStarted) data;
                        fresh.remove(events.get(++i).id());
                        add(promote, engine.onStartedAndSucceeded(s.taskRunId(), s.attempt(), s.worker(),
                                success.rows(), success.bytes(), success.outputs()));
                    } else if (data instanceof TaskStarted s) {
                        engine.onStarted(s.taskRunId(), s.attempt(), s.worker());
                    } else if (data instanceof TaskSucceeded s) {
                        add(promote, engine.onSucceeded(s.taskRunId(), s.attempt(), s.rows(), s.bytes(), s.outputs()));
                    } else if (data instanceof TaskFailed f) {
                        add(promote, engine.onFailed(f.taskRunId(), f.attempt(), f.error(), f.retryable()));
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

    private static boolean needsMark(Object data) {
        return !(data instanceof TaskHeartbeated || data instanceof TaskStarted || data instanceof TaskSucceeded);
    }

    /** The success of the same task run and attempt when it is the next event (and new), else null. */
    private static TaskSucceeded successRightAfter(List<EventEnvelope<?>> events, int i, TaskStarted started,
            Set<UUID> fresh) {
        if (i + 1 < events.size() && events.get(i + 1).data() instanceof TaskSucceeded s
                && s.taskRunId().equals(started.taskRunId()) && (s.attempt() <= 0 || s.attempt() == started.attempt())
                && fresh.contains(events.get(i + 1).id())) {
            return s;
        }
        return null;
    }

    private static void add(List<PipelineKey> keys, Optional<PipelineKey> key) {
        key.ifPresent(keys::add);
    }
}
