package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A pipeline run failed. Subject: the run id.
 *
 * @param runId      the run
 * @param namespace  the pipeline's namespace
 * @param pipelineId the pipeline
 * @param failedTask the task whose failure ended the run
 * @param error      that task's error, written for a person to act on
 * @param durationMs how long the run took, in milliseconds
 */
public record RunFailed(UUID runId, String namespace, String pipelineId, String failedTask, String error,
        long durationMs) implements StrataEvent {

    public static final String TYPE = "dev.strata.run.failed.v1";

    public RunFailed {
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(pipelineId, "pipelineId is required");
        Objects.requireNonNull(failedTask, "failedTask is required");
        Objects.requireNonNull(error, "error is required");
    }
}
