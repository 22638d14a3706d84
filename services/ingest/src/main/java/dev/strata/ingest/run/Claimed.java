package dev.strata.ingest.run;

import java.util.UUID;

/**
 * A load a worker has claimed: what it needs to run it and report, the W3C trace context of the request that queued
 * it (null when it came without one) and who asked for it (for the audit log).
 */
public record Claimed(UUID id, String namespace, String dataset, String spec, UUID taskRunId, UUID runId, int attempt,
        int tries, String traceparent, String requestedBy) {
}
