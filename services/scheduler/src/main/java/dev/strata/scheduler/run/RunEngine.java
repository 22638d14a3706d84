package dev.strata.scheduler.run;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.strata.events.AuditRecorded;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.IngestRequested;
import dev.strata.events.LoadSpec;
import dev.strata.events.NotificationRequested;
import dev.strata.events.RunFailed;
import dev.strata.events.RunSlaMissed;
import dev.strata.events.RunStarted;
import dev.strata.events.RunSucceeded;
import dev.strata.events.RunTransitioned;
import dev.strata.events.StrataEvent;
import dev.strata.events.TransformRequested;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.Tracing;
import dev.strata.outbox.quarkus.Outbox;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.pipeline.PipelineDefinition;
import dev.strata.scheduler.pipeline.PipelineDefinition.ConcurrencyPolicy;
import dev.strata.scheduler.pipeline.PipelineDefinition.NotifyOn;
import dev.strata.scheduler.pipeline.PipelineDefinition.Task;
import dev.strata.scheduler.pipeline.PipelineDefinition.TaskType;
import dev.strata.scheduler.pipeline.PipelineStore;
import dev.strata.scheduler.run.RunRecords.RunRow;
import dev.strata.scheduler.run.RunRecords.TaskRunRow;
import dev.strata.web.db.Db;

/**
 * The state machine of runs and task runs. Every change happens in one transaction that locks the run's row first,
 * records the transition in {@code transition} and emits it through the outbox; work for workers leaves through the
 * outbox in the same transaction. Readiness is event-driven: a task's success decrements its downstream tasks'
 * {@code upstream_remaining}, and those that reach zero are dispatched at once.
 */
@ApplicationScoped
public class RunEngine {

    public static final String SOURCE = "/strata/scheduler";
    private static final Logger LOG = Logger.getLogger(RunEngine.class);

    /** Thrown when a trigger is refused (concurrency policy skip, deleted pipeline). */
    public static class RefusedException extends RuntimeException {
        public RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /** A pipeline whose queued runs may start now that a run ended. */
    public record PipelineKey(String namespace, String id) {
    }

    private final Db db;
    private final PipelineStore pipelines;
    private final Outbox outbox;
    private final AgroalDataSource dataSource;
    private final EventCodec codec = new EventCodec();
    private final SchedulerConfig config;
    private final TransactionSynchronizationRegistry transactions;
    private final LocalTasks local;
    private final Counter dispatched;
    private final RunMetrics metrics;
    private final DatasetIngest datasets;
    private final RunChanges changes;

    RunEngine(Db db, PipelineStore pipelines, Outbox outbox, SchedulerConfig config,
            TransactionSynchronizationRegistry transactions, LocalTasks local, MeterRegistry meters,
            RunMetrics metrics, AgroalDataSource dataSource, DatasetIngest datasets, RunChanges changes) {
        this.datasets = datasets;
        this.changes = changes;
        this.db = db;
        this.dataSource = dataSource;
        this.pipelines = pipelines;
        this.outbox = outbox;
        this.config = config;
        this.transactions = transactions;
        this.local = local;
        this.dispatched = Counter.builder("strata_scheduler_task_dispatches_total")
                .description("task attempts dispatched").register(meters);
        this.metrics = metrics;
    }

    // ------------------------------------------------------------------ creating and starting runs

    /**
     * Creates a run of the pipeline's current version and starts it when its concurrency allows.
     *
     * @param logicalDate the schedule fire or backfill date it stands for; null for manual and data triggers
     * @param backfillId  the backfill it belongs to, or null
     */
    @Transactional(dontRollbackOn = RefusedException.class)
    public RunRow trigger(String namespace, String pipelineId, String trigger, Map<String, String> params,
            Instant logicalDate, UUID backfillId) {
        return flush(createRun(namespace, pipelineId, trigger, params, logicalDate, backfillId));
    }

    /**
     * A new run of the pipeline's current version with the params and logical date of an ended run, which it names as
     * {@code retryOf}; its trigger is {@code retry}. An active run is refused (409): cancel it first.
     */
    @Transactional(dontRollbackOn = RefusedException.class)
    public RunRow retry(UUID runId) {
        RunRow old = run(runId).orElseThrow(() -> new RefusedException("there is no run " + runId));
        if (RunState.RUN_ACTIVE.contains(old.state())) {
            throw new RefusedException("run " + runId + " is still " + old.state()
                    + "; only an ended run can be retried (cancel it first)");
        }
        return flush(createRun(old.namespace(), old.pipelineId(), "retry", old.params(), old.logicalDate(), null,
                old.id()));
    }

    /** As {@link #trigger} but in the caller's transaction, which must hold no run lock. */
    RunRow createRun(String namespace, String pipelineId, String trigger, Map<String, String> params,
            Instant logicalDate, UUID backfillId) {
        return createRun(namespace, pipelineId, trigger, params, logicalDate, backfillId, null);
    }

    private RunRow createRun(String namespace, String pipelineId, String trigger, Map<String, String> params,
            Instant logicalDate, UUID backfillId, UUID retryOf) {
        int version = db.one("SELECT current_version FROM pipeline WHERE namespace = ? AND pipeline_id = ? "
                + "AND NOT deleted FOR UPDATE", rs -> rs.getInt(1), namespace, pipelineId)
                .orElseThrow(
                        () -> new RefusedException("pipeline " + namespace + "." + pipelineId + " does not exist"));
        PipelineDefinition def = pipelines.definition(namespace, pipelineId, version);
        if (backfillId == null) {
            long running = countActive(namespace, pipelineId, RunState.RUNNING);
            long queued = countActive(namespace, pipelineId, RunState.QUEUED);
            int limit = def.concurrency().limit();
            if (def.concurrency().policy() == ConcurrencyPolicy.SKIP && running + queued >= limit) {
                throw new RefusedException(running + " run(s) of " + namespace + "." + pipelineId
                        + " are active and its concurrency is " + limit + " with policy skip; this run was skipped");
            }
            if (def.concurrency().policy() == ConcurrencyPolicy.CANCEL_OLDEST && running >= limit) {
                List<UUID> oldest = db.list("SELECT id FROM run WHERE namespace = ? AND pipeline_id = ? "
                        + "AND state = 'running' AND backfill_id IS NULL ORDER BY created_at LIMIT ?",
                        rs -> rs.getObject(1, UUID.class), namespace, pipelineId, running - limit + 1);
                for (UUID id : oldest) {
                    RunRow old = lockRun(id);
                    cancelLocked(old, "cancelled to make room for a newer run (concurrency policy cancel_oldest)");
                }
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(def.params());
        if (params != null) {
            merged.putAll(params);
        }
        UUID runId = UUID.randomUUID();
        db.update("INSERT INTO run (id, namespace, pipeline_id, version, trigger, params, logical_date, backfill_id, "
                + "state, trace_id, retry_of) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, 'queued', ?, ?)", runId, namespace,
                pipelineId, version, trigger, RunRecords.json(merged), logicalDate, backfillId,
                Tracing.currentTraceId(), retryOf);
        RunRow run = lockRun(runId);
        transition(run, null, null, RunState.QUEUED, 0, "trigger: " + trigger);
        List<Object[]> taskRows = new ArrayList<>();
        for (Task task : def.tasks()) {
            taskRows.add(new Object[]{UUID.randomUUID(), runId, task.id(), task.type().id(), task.maxAttempts(),
                    task.dependsOn().toArray(String[]::new), task.dependsOn().size()});
        }
        db.batch("INSERT INTO task_run (id, run_id, task_id, type, state, max_attempts, depends_on, "
                + "upstream_remaining) VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?)", taskRows);
        promoteLocked(namespace, pipelineId, def);
        return run(runId).orElseThrow();
    }

    private long countActive(String namespace, String pipelineId, String state) {
        return db.count("SELECT count(*) FROM run WHERE namespace = ? AND pipeline_id = ? AND state = ? "
                + "AND backfill_id IS NULL", namespace, pipelineId, state);
    }

    /** Starts queued runs of the pipeline as far as its concurrency and its backfills' caps allow. */
    @Transactional
    public void promote(PipelineKey key) {
        Optional<Integer> version = db.one("SELECT current_version FROM pipeline WHERE namespace = ? "
                + "AND pipeline_id = ? FOR UPDATE", rs -> rs.getInt(1), key.namespace(), key.id());
        if (version.isEmpty()) {
            return;
        }
        promoteLocked(key.namespace(), key.id(), pipelines.definition(key.namespace(), key.id(), version.get()));
        flush(null);
    }

    private void promoteLocked(String namespace, String pipelineId, PipelineDefinition current) {
        long running = countActive(namespace, pipelineId, RunState.RUNNING);
        int free = (int) Math.max(0, current.concurrency().limit() - running);
        if (free > 0) {
            List<UUID> queued = db.list("SELECT id FROM run WHERE namespace = ? AND pipeline_id = ? "
                    + "AND state = 'queued' AND backfill_id IS NULL ORDER BY created_at LIMIT ?",
                    rs -> rs.getObject(1, UUID.class), namespace, pipelineId, free);
            for (UUID id : queued) {
                startLocked(lockRun(id));
            }
        }
        record Backfill(UUID id, int concurrency, long running, long queued, long failed) {
        }
        List<Backfill> backfills = new ArrayList<>();
        for (UUID id : db.list("SELECT id FROM backfill WHERE namespace = ? AND pipeline_id = ? AND state = 'running' "
                + "ORDER BY created_at FOR UPDATE", rs -> rs.getObject(1, UUID.class), namespace, pipelineId)) {
            backfills.add(db.one("SELECT b.concurrency, count(r.id) FILTER (WHERE r.state = 'running'), "
                    + "count(r.id) FILTER (WHERE r.state = 'queued'), "
                    + "count(r.id) FILTER (WHERE r.state IN ('failed', 'timed_out')) FROM backfill b "
                    + "LEFT JOIN run r ON r.backfill_id = b.id WHERE b.id = ? GROUP BY b.concurrency",
                    rs -> new Backfill(id, rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)), id)
                    .orElseThrow());
        }
        for (Backfill b : backfills) {
            if (b.running() == 0 && b.queued() == 0) {
                db.update("UPDATE backfill SET state = ?, finished_at = now() WHERE id = ?",
                        b.failed() > 0 ? RunState.FAILED : RunState.SUCCEEDED, b.id());
                continue;
            }
            int slots = (int) Math.max(0, b.concurrency() - b.running());
            if (slots > 0 && b.queued() > 0) {
                List<UUID> queued = db.list("SELECT id FROM run WHERE backfill_id = ? AND state = 'queued' "
                        + "ORDER BY logical_date, created_at LIMIT ?", rs -> rs.getObject(1, UUID.class), b.id(),
                        slots);
                for (UUID id : queued) {
                    startLocked(lockRun(id));
                }
            }
        }
    }

    private void startLocked(RunRow run) {
        if (!RunState.QUEUED.equals(run.state())) {
            return;
        }
        PipelineDefinition def = definition(run);
        Instant now = Instant.now();
        Duration limit = def.sla().orElse(config.maxRunDuration());
        db.update("UPDATE run SET state = 'running', started_at = ?, deadline_at = ? WHERE id = ?", now,
                now.plus(limit), run.id());
        transition(run, null, RunState.QUEUED, RunState.RUNNING, 0, null);
        emit(run.id(), new RunStarted(run.id(), run.namespace(), run.pipelineId(), run.version(), run.trigger()));
        RunRow started = lockRun(run.id());
        Duration handoff = Duration.between(run.createdAt(), Instant.now());
        afterCommit(() -> metrics.handedOff(handoff.isNegative() ? Duration.ZERO : handoff));
        for (TaskRunRow ready : db.list("SELECT " + RunRecords.TASK_COLUMNS + " FROM task_run WHERE run_id = ? "
                + "AND state = 'waiting' AND upstream_remaining = 0", RunRecords::task, run.id())) {
            dispatch(started, def, ready);
        }
        maybeFinish(started, def);
    }

    // ------------------------------------------------------------------ dispatch

    private void dispatch(RunRow run, PipelineDefinition def, TaskRunRow tr) {
        Task task = def.task(tr.taskId()).orElseThrow();
        int attempt = tr.attempt() + 1;
        Instant now = Instant.now();
        Instant timeoutAt = now.plus(task.timeout());
        String queue = "UPDATE task_run SET state = 'queued', attempt = ?, queued_at = ?, started_at = NULL, "
                + "heartbeat_at = NULL, finished_at = NULL, worker = NULL, timeout_at = ?, due_at = ? WHERE id = ?";
        Object[] queueParams = {attempt, now.atOffset(ZoneOffset.UTC), timeoutAt.atOffset(ZoneOffset.UTC),
                timeoutAt.atOffset(ZoneOffset.UTC), tr.id()};
        Pending p = pending();
        if (p.held && (task.type() == TaskType.INGEST || task.type() == TaskType.TRANSFORM)) {
            // written with the group's transitions and events, in their round trip: nothing in the group reads the
            // task's row again (a worker's task)
            p.statements.add(queue);
            p.statementParams.addAll(Arrays.asList(queueParams));
        } else {
            db.update(queue, queueParams);
        }
        transition(run, tr, tr.state(), RunState.QUEUED, attempt, attempt > 1 ? "attempt " + attempt : null);
        dispatched.increment();
        Map<String, String> params = new LinkedHashMap<>(run.params());
        if (run.logicalDate() != null) {
            params.put("logical_date", run.logicalDate().toString());
        }
        JsonNode inputs = task.inputs();
        switch (task.type()) {
            case INGEST -> {
                JsonNode spec = inputs.get("spec");
                if (spec == null || spec.isNull()) {
                    // a registered dataset: its current load spec is read from the registry after this transaction
                    // (no call to another service while the run is locked), then requested by requestIngest
                    String dataset = inputs.path("dataset").asText();
                    String name = dataset.substring(dataset.indexOf('.') + 1);
                    Map<String, String> taskParams = Map.copyOf(params);
                    afterCommit(() -> datasets.submit(tr.id(), attempt, run.namespace(), name, taskParams));
                    break;
                }
                LoadSpec typed = null;
                try {
                    typed = LoadSpec.readLenient(RunRecords.json(spec));
                } catch (java.io.IOException e) {
                    // a version stored before the typed spec: ingest reads params.spec and says what is wrong
                    params.put("spec", RunRecords.json(spec));
                }
                // the pipeline's own namespace, whatever the spec says: the parser refuses another one, and ingest
                // refuses a spec that does not match the request (a version stored before that check)
                emit(tr.id(), new IngestRequested(tr.id(), run.id(), run.namespace(), spec.path("name").asText(),
                        attempt, params, run.namespace(), typed));
            }
            case TRANSFORM -> {
                JsonNode vars = inputs.get("vars");
                if (vars != null && vars.isObject()) {
                    vars.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
                }
                emit(tr.id(), new TransformRequested(tr.id(), run.id(), run.namespace(),
                        inputs.path("project_version").asText(), inputs.path("selector").asText(), params, attempt));
            }
            // the notifier reports the task as workers do (TaskStarted, then TaskSucceeded once the notification is
            // taken, or TaskFailed: e.g. the namespace has no channel of that name), so the run cannot succeed silently
            case NOTIFY -> emit(run.id(), new NotificationRequested(run.id(), tr.id(), run.namespace(),
                    run.pipelineId(), inputs.path("channel").asText(), "task", run.state(),
                    inputs.path("message").asText()));
            case SQL, HTTP -> afterCommit(() -> local.submit(tr.id(), run.id(), attempt, task));
            default -> throw new IllegalStateException("unknown task type " + task.type());
        }
    }

    /**
     * Sends the ingest request of a task that names a registered dataset, once {@link DatasetIngest} read its load
     * spec from the registry; nothing if the attempt is no longer the task's queued one (cancelled, timed out).
     */
    @Transactional
    public Optional<PipelineKey> requestIngest(UUID taskRunId, int attempt, LoadSpec spec,
            Map<String, String> params) {
        Optional<Locked> locked = lockTask(taskRunId);
        if (locked.isEmpty() || locked.get().task().attempt() != attempt
                || !RunState.QUEUED.equals(locked.get().task().state())) {
            return Optional.empty();
        }
        RunRow run = locked.get().run();
        emit(taskRunId, new IngestRequested(taskRunId, run.id(), run.namespace(), spec.name(), attempt, params,
                run.namespace(), spec));
        return flush(Optional.empty());
    }

    /** An attempt's duration, from its worker's start (or its dispatch, for tasks without a start) to now. */
    private void recordTask(TaskRunRow tr, String status) {
        Instant from = tr.startedAt() != null ? tr.startedAt() : tr.queuedAt();
        Duration duration = from == null ? Duration.ZERO : Duration.between(from, Instant.now());
        String kind = tr.type().toLowerCase(Locale.ROOT);
        afterCommit(() -> metrics.taskFinished(kind, status, duration.isNegative() ? Duration.ZERO : duration));
    }

    private void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing before the commit
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    // ------------------------------------------------------------------ what workers report

    /** A worker started an attempt (a duplicate or stale start is ignored). */
    @Transactional
    public void onStarted(UUID taskRunId, int attempt, String worker) {
        Optional<Locked> locked = lockTask(taskRunId);
        if (locked.isEmpty()) {
            return;
        }
        TaskRunRow tr = locked.get().task();
        if (!startApplies(tr, attempt)) {
            return; // a duplicate, a stale attempt, or a task that was cancelled or timed out meanwhile
        }
        Instant now = Instant.now();
        db.update("UPDATE task_run SET state = 'running', started_at = ?, heartbeat_at = ?, worker = ?, "
                + "due_at = LEAST(timeout_at, ?) WHERE id = ?", now, now, worker,
                now.plus(config.heartbeatTimeout()), tr.id());
        transition(locked.get().run(), tr, RunState.QUEUED, RunState.RUNNING, tr.attempt(), worker);
        // nothing waits for this event: it leaves with the next round of the relay (woken by the next dispatch, e.g.
        // when the task's success follows at once) or within the relay's poll interval, instead of starting a round
        // of its own that the dispatch after the task's success would have to wait for
        flush(null, false);
    }

    /**
     * A worker is alive: pushes the lost-task deadline out. No state change, no transition. Only a heartbeat of the
     * running attempt counts (0: a worker that does not say): an attempt the scheduler gave up on may still be running
     * and must not keep the attempt that replaced it alive.
     */
    @Transactional
    public void onHeartbeat(UUID taskRunId, int attempt, String worker) {
        Instant now = Instant.now();
        db.update("UPDATE task_run SET heartbeat_at = ?, due_at = LEAST(timeout_at, ?) WHERE id = ? "
                + "AND state = 'running' AND (? <= 0 OR attempt = ?)", now, now.plus(config.heartbeatTimeout()),
                taskRunId, attempt, attempt);
    }

    /** An attempt succeeded: downstream tasks whose upstreams are all done are dispatched in this transaction. */
    @Transactional
    public Optional<PipelineKey> onSucceeded(UUID taskRunId, int attempt, long rows, long bytes,
            Map<String, String> outputs) {
        Optional<Locked> locked = lockTask(taskRunId);
        if (locked.isEmpty() || !reportApplies(locked.get().task(), attempt)) {
            return Optional.empty();
        }
        return succeedIfOpen(locked.get().run(), locked.get().task(), rows, bytes, outputs);
    }

    /** The success of a task that is not finished (a late or repeated success is ignored). */
    private Optional<PipelineKey> succeedIfOpen(RunRow run, TaskRunRow tr, long rows, long bytes,
            Map<String, String> outputs) {
        if (!List.of(RunState.QUEUED, RunState.RUNNING, RunState.RETRYING).contains(tr.state())) {
            return Optional.empty();
        }
        return flush(succeed(run, definition(run), tr, rows, bytes, outputs));
    }

    /** Whether a worker's start of {@code attempt} moves the task: it is queued, and for that attempt. */
    private static boolean startApplies(TaskRunRow tr, int attempt) {
        return RunState.QUEUED.equals(tr.state()) && reportApplies(tr, attempt);
    }

    /**
     * Whether a worker's report of {@code attempt} is about the task's current attempt: a late report of an attempt the
     * scheduler gave up on (timed out, lost) must not end the attempt that replaced it. 0: a worker that does not say
     * (older than the field), taken for the current attempt.
     */
    private static boolean reportApplies(TaskRunRow tr, int attempt) {
        return attempt <= 0 || attempt == tr.attempt();
    }

    /**
     * A worker's start and success of one attempt that came together (a quick task): as {@link #onStarted} then
     * {@link #onSucceeded}, with one lock and one update of the task instead of two.
     */
    @Transactional
    public Optional<PipelineKey> onStartedAndSucceeded(UUID taskRunId, int attempt, String worker, long rows,
            long bytes, Map<String, String> outputs) {
        Optional<Locked> locked = lockTask(taskRunId);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        TaskRunRow tr = locked.get().task();
        RunRow run = locked.get().run();
        if (!startApplies(tr, attempt)) {
            // a duplicate start (the success alone applies) or a stale attempt's (neither does)
            return reportApplies(tr, attempt) ? succeedIfOpen(run, tr, rows, bytes, outputs) : Optional.empty();
        }
        Instant now = Instant.now();
        transition(run, tr, RunState.QUEUED, RunState.RUNNING, tr.attempt(), worker);
        TaskRunRow running = new TaskRunRow(tr.id(), tr.runId(), tr.taskId(), tr.type(), RunState.RUNNING,
                tr.attempt(), tr.maxAttempts(), tr.dependsOn(), tr.upstreamRemaining(), worker, tr.error(),
                tr.outputs(), tr.rows(), tr.bytes(), tr.queuedAt(), now, now, tr.finishedAt(), tr.timeoutAt(),
                tr.dueAt());
        return flush(succeed(run, definition(run), running, rows, bytes, outputs));
    }

    /** An attempt failed: retried with backoff while attempts are left, otherwise the task fails. */
    @Transactional
    public Optional<PipelineKey> onFailed(UUID taskRunId, int attempt, String error, boolean retryable) {
        Optional<Locked> locked = lockTask(taskRunId);
        if (locked.isEmpty() || !reportApplies(locked.get().task(), attempt)) {
            return Optional.empty();
        }
        TaskRunRow tr = locked.get().task();
        if (!List.of(RunState.QUEUED, RunState.RUNNING).contains(tr.state())) {
            return Optional.empty();
        }
        RunRow run = locked.get().run();
        return flush(fail(run, definition(run), tr, RunState.FAILED, error, retryable));
    }

    private Optional<PipelineKey> succeed(RunRow run, PipelineDefinition def, TaskRunRow tr, long rows, long bytes,
            Map<String, String> outputs) {
        // started_at, heartbeat_at and worker as the row says: unchanged, or set by onStartedAndSucceeded
        String done = "UPDATE task_run SET state = 'succeeded', finished_at = ?, due_at = NULL, rows_written = ?, "
                + "bytes_written = ?, outputs = ?::jsonb, error = NULL, started_at = ?, heartbeat_at = ?, worker = ? "
                + "WHERE id = ?";
        Object[] doneParams = {Instant.now(), rows, bytes, RunRecords.json(outputs == null ? Map.of() : outputs),
                tr.startedAt(), tr.heartbeatAt(), tr.worker(), tr.id()};
        transition(run, tr, tr.state(), RunState.SUCCEEDED, tr.attempt(), null);
        recordTask(tr, RunState.SUCCEEDED);
        List<String> downstream = def.downstreamOf(tr.taskId()).stream().map(Task::id).toList();
        if (downstream.isEmpty()) {
            db.update(done, doneParams);
            return maybeFinish(run, def);
        }
        // one round trip: this task succeeded, and its downstream tasks have one upstream less to wait for
        Object[] params = new Object[doneParams.length + 2];
        System.arraycopy(doneParams, 0, params, 0, doneParams.length);
        params[doneParams.length] = run.id();
        params[doneParams.length + 1] = downstream.toArray(String[]::new);
        List<TaskRunRow> ready = db.list("WITH done AS (" + done + ") UPDATE task_run SET upstream_remaining = "
                + "upstream_remaining - 1 WHERE run_id = ? AND task_id = ANY(?) RETURNING " + RunRecords.TASK_COLUMNS,
                RunRecords::task, params);
        boolean waitingForWorkers = false;
        for (TaskRunRow next : ready) {
            if (next.upstreamRemaining() == 0 && RunState.WAITING.equals(next.state())) {
                dispatch(run, def, next);
                waitingForWorkers = true;
            }
        }
        // a task was just handed to a worker: the run cannot be finished, no need to count its tasks
        return waitingForWorkers ? Optional.empty() : maybeFinish(run, def);
    }

    private Optional<PipelineKey> fail(RunRow run, PipelineDefinition def, TaskRunRow tr, String terminal,
            String error, boolean retryable) {
        Instant now = Instant.now();
        if (retryable && tr.attempt() < tr.maxAttempts()) {
            Task task = def.task(tr.taskId()).orElseThrow();
            Instant retryAt = now.plus(task.backoffBefore(tr.attempt() + 1));
            db.update("UPDATE task_run SET state = 'retrying', error = ?, due_at = ?, finished_at = ? WHERE id = ?",
                    error, retryAt, now, tr.id());
            transition(run, tr, tr.state(), RunState.RETRYING, tr.attempt(), error);
            recordTask(tr, RunState.FAILED);
            return Optional.empty();
        }
        db.update("UPDATE task_run SET state = ?, error = ?, due_at = NULL, finished_at = ? WHERE id = ?", terminal,
                error, now, tr.id());
        transition(run, tr, tr.state(), terminal, tr.attempt(), error);
        recordTask(tr, terminal);
        if (run.failedTask() == null) {
            db.update("UPDATE run SET failed_task = ?, error = ? WHERE id = ?", tr.taskId(), error, run.id());
        }
        skipDownstream(run, def, tr.taskId());
        return maybeFinish(lockRun(run.id()), def);
    }

    private void skipDownstream(RunRow run, PipelineDefinition def, String failedTask) {
        Deque<String> todo = new ArrayDeque<>(List.of(failedTask));
        while (!todo.isEmpty()) {
            for (Task d : def.downstreamOf(todo.pop())) {
                List<TaskRunRow> skipped = db.list("UPDATE task_run SET state = 'skipped', finished_at = now(), "
                        + "due_at = NULL WHERE run_id = ? AND task_id = ? AND state = 'waiting' RETURNING "
                        + RunRecords.TASK_COLUMNS, RunRecords::task, run.id(), d.id());
                for (TaskRunRow s : skipped) {
                    transition(run, s, RunState.WAITING, RunState.SKIPPED, 0, "upstream '" + failedTask + "' failed");
                    todo.push(s.taskId());
                }
            }
        }
    }

    private Optional<PipelineKey> maybeFinish(RunRow run, PipelineDefinition def) {
        if (!RunState.RUNNING.equals(run.state())) {
            return Optional.empty();
        }
        record Counts(long active, long notOk) {
        }
        Counts c = db.one("SELECT count(*) FILTER (WHERE state IN ('waiting', 'queued', 'running', 'retrying')), "
                + "count(*) FILTER (WHERE state <> 'succeeded') FROM task_run WHERE run_id = ?",
                rs -> new Counts(rs.getLong(1), rs.getLong(2)), run.id()).orElseThrow();
        if (c.active() > 0) {
            return Optional.empty();
        }
        RunRow current = lockRun(run.id());
        if (!RunState.RUNNING.equals(current.state())) {
            return Optional.empty(); // finished already, e.g. by a notify task dispatched in this transaction
        }
        return Optional.of(finish(current, def, c.notOk() == 0 ? RunState.SUCCEEDED : RunState.FAILED,
                current.error()));
    }

    private PipelineKey finish(RunRow run, PipelineDefinition def, String state, String error) {
        Instant now = Instant.now();
        db.update("UPDATE run SET state = ?, finished_at = ?, error = COALESCE(error, ?) WHERE id = ?", state, now,
                error, run.id());
        transition(run, null, run.state(), state, 0, error);
        long durationMs = run.startedAt() == null ? 0 : Duration.between(run.startedAt(), now).toMillis();
        String pipeline = run.namespace() + "." + run.pipelineId();
        afterCommit(() -> metrics.runFinished(pipeline, state, Duration.ofMillis(durationMs)));
        String message = switch (state) {
            case RunState.SUCCEEDED -> "run of " + run.namespace() + "." + run.pipelineId() + " succeeded";
            case RunState.CANCELLED -> "run of " + run.namespace() + "." + run.pipelineId() + " was cancelled";
            default -> "run of " + run.namespace() + "." + run.pipelineId() + " " + state.replace('_', ' ')
                    + (run.failedTask() == null ? "" : " at task " + run.failedTask())
                    + (error == null ? "" : ": " + error);
        };
        if (RunState.SUCCEEDED.equals(state)) {
            emit(run.id(), new RunSucceeded(run.id(), run.namespace(), run.pipelineId(), durationMs));
        } else if (RunState.FAILED.equals(state) || RunState.TIMED_OUT.equals(state)) {
            emit(run.id(), new RunFailed(run.id(), run.namespace(), run.pipelineId(),
                    run.failedTask() == null ? "-" : run.failedTask(), error == null ? state : error, durationMs));
        }
        for (PipelineDefinition.Notification n : def.notifications()) {
            String event = null;
            if (RunState.SUCCEEDED.equals(state) && n.on().contains(NotifyOn.SUCCESS)) {
                event = "run_succeeded";
            } else if (RunState.TIMED_OUT.equals(state) && n.on().contains(NotifyOn.SLA_MISS)) {
                event = "sla_missed";
            } else if ((RunState.FAILED.equals(state) || RunState.TIMED_OUT.equals(state))
                    && n.on().contains(NotifyOn.FAILURE)) {
                event = "run_failed";
            }
            if (event != null) {
                emit(run.id(), new NotificationRequested(run.id(), null, run.namespace(), run.pipelineId(),
                        n.channel(), event, state, message));
            }
        }
        return new PipelineKey(run.namespace(), run.pipelineId());
    }

    /**
     * Records what the scheduler did in the data plane on a pipeline's behalf (an {@code sql} task's statement) for the
     * audit log, through the outbox. Its own transaction: the statement ran, whatever becomes of the task's report.
     */
    @Transactional
    public void audit(AuditRecorded event) {
        Pending p = pending();
        p.messages.add(OutboxMessage.of(EventEnvelope.of(SOURCE, event.namespace(), event), codec));
        p.urgent = true;
        flush(null);
    }

    // ------------------------------------------------------------------ cancel, watchdog

    /** Cancels an active run and its active task runs. */
    @Transactional
    public Optional<PipelineKey> cancel(UUID runId, String reason) {
        RunRow run = lockRun(runId);
        if (!RunState.RUN_ACTIVE.contains(run.state())) {
            throw new RefusedException("run " + runId + " is already " + run.state() + " and cannot be cancelled");
        }
        return flush(Optional.of(cancelLocked(run, reason)));
    }

    private PipelineKey cancelLocked(RunRow run, String reason) {
        endActiveTasks(run, RunState.CANCELLED, reason);
        return finish(run, definition(run), RunState.CANCELLED, reason);
    }

    private void endActiveTasks(RunRow run, String state, String reason) {
        List<TaskRunRow> active = db.list("SELECT " + RunRecords.TASK_COLUMNS + " FROM task_run WHERE run_id = ? "
                + "AND state IN ('waiting', 'queued', 'running', 'retrying')", RunRecords::task, run.id());
        for (TaskRunRow tr : active) {
            db.update("UPDATE task_run SET state = ?, finished_at = now(), due_at = NULL WHERE id = ?", state, tr.id());
            transition(run, tr, tr.state(), state, tr.attempt(), reason);
        }
    }

    /** Cancels the active runs of a backfill and the backfill itself. */
    @Transactional
    public List<PipelineKey> cancelBackfill(UUID backfillId) {
        db.update("UPDATE backfill SET state = 'cancelled', finished_at = now() WHERE id = ? AND state = 'running'",
                backfillId);
        List<PipelineKey> keys = new ArrayList<>();
        for (UUID id : db.list("SELECT id FROM run WHERE backfill_id = ? AND state IN ('queued', 'running') "
                + "ORDER BY id", rs -> rs.getObject(1, UUID.class), backfillId)) {
            keys.add(cancelLocked(lockRun(id), "the backfill was cancelled"));
        }
        return flush(keys);
    }

    /**
     * A task run whose {@code due_at} passed: a retry to dispatch, a timed-out attempt, or a lost worker (no heartbeat
     * within the heartbeat timeout).
     */
    @Transactional
    public Optional<PipelineKey> onDue(UUID taskRunId, Instant now) {
        Optional<Locked> locked = lockTask(taskRunId);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        TaskRunRow tr = locked.get().task();
        RunRow run = locked.get().run();
        if (tr.dueAt() == null || tr.dueAt().isAfter(now)) {
            return Optional.empty();
        }
        PipelineDefinition def = definition(run);
        switch (tr.state()) {
            case RunState.RETRYING -> {
                dispatch(run, def, tr);
                return flush(Optional.empty());
            }
            case RunState.QUEUED, RunState.RUNNING -> {
                Task task = def.task(tr.taskId()).orElseThrow();
                if (!tr.timeoutAt().isAfter(now)) {
                    return flush(fail(run, def, tr, RunState.TIMED_OUT, "attempt " + tr.attempt()
                            + " timed out after " + human(task.timeout()), true));
                }
                return flush(fail(run, def, tr, RunState.FAILED,
                        "the worker " + (tr.worker() == null ? "" : tr.worker() + " ")
                                + "sent no heartbeat for " + human(config.heartbeatTimeout()) + "; it is presumed dead",
                        true));
            }
            default -> {
                db.update("UPDATE task_run SET due_at = NULL WHERE id = ?", tr.id());
                return Optional.empty();
            }
        }
    }

    /** A running run past its deadline (SLA or the watchdog's limit): times it out. */
    @Transactional
    public Optional<PipelineKey> onOverdue(UUID runId, Instant now) {
        RunRow run = lockRun(runId);
        if (!RunState.RUNNING.equals(run.state()) || run.deadlineAt() == null || run.deadlineAt().isAfter(now)) {
            return Optional.empty();
        }
        PipelineDefinition def = definition(run);
        String reason = "the run exceeded its " + (def.sla().isPresent() ? "SLA" : "longest allowed duration") + " of "
                + human(def.sla().orElse(config.maxRunDuration()));
        endActiveTasks(run, RunState.CANCELLED, reason);
        if (def.sla().isPresent()) {
            // the notifier's sla_missed subscriptions listen for this, whether or not the pipeline names a channel
            long elapsedMs = run.startedAt() == null ? 0 : Duration.between(run.startedAt(), now).toMillis();
            afterCommit(() -> metrics.slaMissed(run.namespace() + "." + run.pipelineId()));
            emit(run.id(), new RunSlaMissed(run.id(), run.namespace(), run.pipelineId(), def.sla().get().toMillis(),
                    elapsedMs));
        }
        return flush(Optional.of(finish(run, def, RunState.TIMED_OUT, reason)));
    }

    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        if (d.toSeconds() < 120) {
            return d.toSeconds() + " s";
        }
        if (d.toMinutes() < 120) {
            return d.toMinutes() + " min";
        }
        return d.toHours() + " h";
    }

    // ------------------------------------------------------------------ rows, events

    private record Locked(RunRow run, TaskRunRow task) {
    }

    private Optional<Locked> lockTask(UUID taskRunId) {
        // one round trip: lock the task's run, then read the task in a statement of its own, which runs once the lock is
        // granted and so sees the task as the previous lock holder left it
        Db.Two<RunRow, TaskRunRow> locked = db.two("SELECT " + RunRecords.RUN_COLUMNS + " FROM run WHERE id = "
                + "(SELECT run_id FROM task_run WHERE id = ?) FOR UPDATE; SELECT " + RunRecords.TASK_COLUMNS
                + " FROM task_run WHERE id = ?", RunRecords::run, RunRecords::task, taskRunId, taskRunId);
        RunRow run = locked.first();
        if (run == null || locked.second() == null) {
            LOG.debugf("event about unknown task run %s ignored", taskRunId);
            return Optional.empty();
        }
        if (!RunState.RUNNING.equals(run.state())) {
            return Optional.empty();
        }
        return Optional.of(new Locked(run, locked.second()));
    }

    private RunRow lockRun(UUID runId) {
        return db.one("SELECT " + RunRecords.RUN_COLUMNS + " FROM run WHERE id = ? FOR UPDATE", RunRecords::run, runId)
                .orElseThrow(() -> new RefusedException("run " + runId + " does not exist"));
    }

    public Optional<RunRow> run(UUID runId) {
        return db.one("SELECT " + RunRecords.RUN_COLUMNS + " FROM run WHERE id = ?", RunRecords::run, runId);
    }

    public Optional<TaskRunRow> taskRun(UUID taskRunId) {
        return db.one("SELECT " + RunRecords.TASK_COLUMNS + " FROM task_run WHERE id = ?", RunRecords::task,
                taskRunId);
    }

    public List<TaskRunRow> taskRuns(UUID runId) {
        return db.list("SELECT " + RunRecords.TASK_COLUMNS + " FROM task_run WHERE run_id = ? ORDER BY queued_at "
                + "NULLS LAST, task_id", RunRecords::task, runId);
    }

    private PipelineDefinition definition(RunRow run) {
        return pipelines.definition(run.namespace(), run.pipelineId(), run.version());
    }

    /**
     * Transitions and events of the current transaction, written in one round trip by {@link #flush()}; while
     * {@code held}, only at the end of a group of events (see {@link #holdWrites()}).
     */
    private static final class Pending {
        /** Statements of the group that nothing reads back before the commit, written before the transitions. */
        final List<String> statements = new ArrayList<>();
        final List<Object> statementParams = new ArrayList<>();
        final List<Object[]> transitions = new ArrayList<>();
        /** Runs whose transitions this transaction commits: their live streams are woken after the commit. */
        final Set<UUID> changedRuns = new HashSet<>();
        final List<OutboxMessage> messages = new ArrayList<>();
        /** Work for a worker, sent from the committing thread right after the commit (see {@link Outbox}). */
        final List<OutboxMessage> sendAtOnce = new ArrayList<>();
        boolean held;
        /** Something a worker, the notifier or a user waits for: more than a {@link RunTransitioned}. */
        boolean urgent;
    }

    private static final Object PENDING = new Object();
    private static final String INSERT_TRANSITIONS = "INSERT INTO transition (run_id, task_run_id, from_state, "
            + "to_state, attempt, reason) VALUES ";

    private Pending pending() {
        Pending p = (Pending) transactions.getResource(PENDING);
        if (p == null) {
            p = new Pending();
            transactions.putResource(PENDING, p);
        }
        return p;
    }

    /**
     * Keeps the current transaction's transitions and events in memory until {@link #writeHeld()}, so that a group of
     * events handled in one transaction (a task's start and success) writes them in one round trip at its end.
     */
    public void holdWrites() {
        pending().held = true;
    }

    /**
     * Writes what {@link #holdWrites()} kept; call it before the transaction commits. Work for workers leaves from this
     * thread right after the commit; the relay is woken only for other urgent events (a run's end, a notification): a
     * hand-off leaves its {@link RunTransitioned} events to the relay's next round, instead of a round of its own that
     * would compete with the next report's transaction.
     */
    public void writeHeld() {
        Pending p = pending();
        p.held = false;
        write(p, p.urgent);
    }

    private void transition(RunRow run, TaskRunRow tr, String from, String to, int attempt, String reason) {
        Pending p = pending();
        if (p.changedRuns.isEmpty()) {
            Set<UUID> runs = p.changedRuns;
            afterCommit(() -> changes.committed(Set.copyOf(runs)));
        }
        p.changedRuns.add(run.id());
        p.transitions.add(new Object[]{run.id(), tr == null ? null : tr.id(), from, to, attempt, reason});
        emit(run.id(), new RunTransitioned(run.id(), tr == null ? null : tr.id(), tr == null ? null : tr.taskId(),
                run.namespace(), run.pipelineId(), from, to, attempt, reason));
    }

    private void emit(UUID subject, StrataEvent event) {
        Pending p = pending();
        OutboxMessage message = OutboxMessage.of(EventEnvelope.of(SOURCE, subject.toString(), event), codec);
        p.messages.add(message);
        if (event instanceof IngestRequested || event instanceof TransformRequested) {
            // keyed by the task run: no other unpublished message shares the key, so it may leave at once
            p.sendAtOnce.add(message);
        } else {
            p.urgent |= !(event instanceof RunTransitioned);
        }
    }

    /**
     * Writes the transaction's pending transitions and events (in their order). Every public method that changes state
     * ends with it, so nothing stays buffered when the transaction commits (unless held for a group of events).
     */
    private <T> T flush(T result) {
        return flush(result, true);
    }

    /** As {@link #flush(Object)}; {@code wakeRelay} false leaves the events to the relay's next round. */
    private <T> T flush(T result, boolean wakeRelay) {
        Pending p = (Pending) transactions.getResource(PENDING);
        if (p != null && !p.held) {
            write(p, wakeRelay);
        }
        return result;
    }

    /**
     * The transitions and the outbox rows in one round trip. Work for workers leaves from this thread right after the
     * commit; the relay is woken for the other events only if {@code wakeRelay}.
     */
    private void write(Pending p, boolean wakeRelay) {
        if (p.statements.isEmpty() && p.transitions.isEmpty() && p.messages.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder(String.join(";\n", p.statements));
        List<Object> params = new ArrayList<>(p.statementParams);
        if (!p.transitions.isEmpty()) {
            sql.append(sql.isEmpty() ? "" : ";\n").append(INSERT_TRANSITIONS);
            for (int i = 0; i < p.transitions.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
                params.addAll(Arrays.asList(p.transitions.get(i)));
            }
        }
        outbox.appendAll(sql.isEmpty() ? null : sql.toString(), params, p.messages, p.sendAtOnce, wakeRelay);
        p.statements.clear();
        p.statementParams.clear();
        p.transitions.clear();
        p.messages.clear();
        p.sendAtOnce.clear();
        p.urgent = false;
    }

    /** For tests and the API: the transitions of a run, in order. */
    public List<Map<String, Object>> transitions(UUID runId) {
        return db.list("SELECT t.task_run_id, tr.task_id, t.from_state, t.to_state, t.attempt, t.reason, t.at "
                + "FROM transition t LEFT JOIN task_run tr ON tr.id = t.task_run_id WHERE t.run_id = ? ORDER BY t.id",
                rs -> {
                    Map<String, Object> m = new HashMap<>();
                    m.put("taskId", rs.getString(2));
                    m.put("from", rs.getString(3));
                    m.put("to", rs.getString(4));
                    m.put("attempt", rs.getInt(5));
                    m.put("reason", rs.getString(6));
                    m.put("at", Db.instant(rs, "at"));
                    return m;
                }, runId);
    }
}
