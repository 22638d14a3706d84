package dev.strata.scheduler.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.scheduler.run.RunRecords.RunRow;
import dev.strata.scheduler.run.RunRecords.TaskRunRow;

/**
 * A run as the API shows it: its state, timings, task runs and (on a get) its transitions and {@code layout}: where
 * the UI draws each task of the DAG (top-left corners of 180 × 44 px nodes, laid out by ELK; {@link TaskLayouts}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(UUID id, String namespace, String pipelineId, int pipelineVersion, String trigger,
        Map<String, String> params, Instant logicalDate, UUID backfillId, String state, String error,
        String failedTask, Instant createdAt, Instant startedAt, Instant finishedAt, Long durationMs,
        List<TaskRunView> tasks, List<Map<String, Object>> transitions, String traceId, UUID retryOf,
        Map<String, TaskLayouts.Point> layout) {

    /**
     * @param waitMs     from its last dispatch to its start by a worker
     * @param durationMs from its start (or dispatch) to its end
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskRunView(UUID id, String taskId, String type, String state, int attempt, int maxAttempts,
            List<String> dependsOn, String worker, String error, Map<String, String> outputs, Long rows, Long bytes,
            Instant queuedAt, Instant startedAt, Instant lastHeartbeatAt, Instant finishedAt, Long waitMs,
            Long durationMs) {

        static TaskRunView of(TaskRunRow t) {
            Long wait = t.queuedAt() != null && t.startedAt() != null ? millis(t.queuedAt(), t.startedAt()) : null;
            Instant from = t.startedAt() != null ? t.startedAt() : t.queuedAt();
            Long duration = from != null && t.finishedAt() != null ? millis(from, t.finishedAt()) : null;
            return new TaskRunView(t.id(), t.taskId(), t.type(), t.state(), t.attempt(), t.maxAttempts(),
                    t.dependsOn(), t.worker(), t.error(), t.outputs(), t.rows(), t.bytes(), t.queuedAt(),
                    t.startedAt(), t.heartbeatAt(), t.finishedAt(), wait, duration);
        }
    }

    public static RunView of(RunRow r, List<TaskRunRow> tasks, List<Map<String, Object>> transitions) {
        Long duration = r.startedAt() != null && r.finishedAt() != null ? millis(r.startedAt(), r.finishedAt()) : null;
        return new RunView(r.id(), r.namespace(), r.pipelineId(), r.version(), r.trigger(), r.params(),
                r.logicalDate(), r.backfillId(), r.state(), r.error(), r.failedTask(), r.createdAt(), r.startedAt(),
                r.finishedAt(), duration, tasks == null ? null : tasks.stream().map(TaskRunView::of).toList(),
                transitions == null || transitions.isEmpty() ? null : transitions, r.traceId(), r.retryOf(), null);
    }

    /** This run with its DAG laid out. */
    public RunView withLayout(TaskLayouts layouts) {
        return new RunView(id, namespace, pipelineId, pipelineVersion, trigger, params, logicalDate, backfillId, state,
                error, failedTask, createdAt, startedAt, finishedAt, durationMs, tasks, transitions, traceId, retryOf,
                layouts.of(tasks));
    }

    private static long millis(Instant a, Instant b) {
        return Duration.between(a, b).toMillis();
    }
}
