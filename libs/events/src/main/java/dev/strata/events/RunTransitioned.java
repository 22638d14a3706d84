package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A pipeline run or one of its task runs changed state (the scheduler's state machine, one event per transition).
 * Subject: the run id, so that the transitions of a run stay in order.
 *
 * @param runId      the run
 * @param taskRunId  the task run that changed state; absent when the run itself changed state
 * @param taskId     the task's id in the pipeline; absent for the run
 * @param namespace  the pipeline's namespace
 * @param pipelineId the pipeline
 * @param from       the previous state, absent for a new run or task run
 * @param to         the new state, e.g. {@code running}, {@code retrying}, {@code timed_out}
 * @param attempt    the task run's attempt, from 1; 0 for the run
 * @param reason     why, for a person, e.g. the error of a failed attempt; may be absent
 */
public record RunTransitioned(UUID runId, UUID taskRunId, String taskId, String namespace, String pipelineId,
        String from, String to, int attempt, String reason) implements StrataEvent {

    public static final String TYPE = "dev.strata.run.transitioned.v1";

    public RunTransitioned {
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(pipelineId, "pipelineId is required");
        Objects.requireNonNull(to, "to is required");
    }
}
