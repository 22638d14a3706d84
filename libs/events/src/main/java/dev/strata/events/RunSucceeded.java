package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * Every task of a pipeline run succeeded. Subject: the run id.
 *
 * @param runId      the run
 * @param namespace  the pipeline's namespace
 * @param pipelineId the pipeline
 * @param durationMs how long the run took, in milliseconds
 */
public record RunSucceeded(UUID runId, String namespace, String pipelineId, long durationMs) implements StrataEvent {

    public static final String TYPE = "dev.strata.run.succeeded.v1";

    public RunSucceeded {
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(pipelineId, "pipelineId is required");
    }
}
