package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A pipeline run started. Subject: the run id.
 *
 * @param runId           the run
 * @param namespace       the pipeline's namespace
 * @param pipelineId      the pipeline
 * @param pipelineVersion the version of the pipeline definition the run uses
 * @param trigger         what started it, e.g. {@code schedule}, {@code manual}, {@code dataset:sales.orders}
 */
public record RunStarted(UUID runId, String namespace, String pipelineId, int pipelineVersion, String trigger)
        implements
            StrataEvent {

    public static final String TYPE = "dev.strata.run.started.v1";

    public RunStarted {
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(pipelineId, "pipelineId is required");
        Objects.requireNonNull(trigger, "trigger is required");
    }
}
