package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A pipeline run has been going longer than its pipeline's SLA (maximum duration) allows; the run itself goes on.
 * Subject: the run id.
 *
 * @param runId      the run
 * @param namespace  the pipeline's namespace
 * @param pipelineId the pipeline
 * @param slaMs      the pipeline's SLA: the longest a run may take, in milliseconds
 * @param elapsedMs  how long the run had been going when the miss was noticed, in milliseconds
 */
public record RunSlaMissed(UUID runId, String namespace, String pipelineId, long slaMs, long elapsedMs)
        implements
            StrataEvent {

    public static final String TYPE = "dev.strata.run.sla.missed.v1";

    public RunSlaMissed {
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(pipelineId, "pipelineId is required");
    }
}
