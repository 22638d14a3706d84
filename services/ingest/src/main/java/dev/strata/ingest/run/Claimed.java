package dev.strata.ingest.run;

import java.util.UUID;

/** A load a worker has claimed: what it needs to run it and report. */
public record Claimed(UUID id, String namespace, String dataset, String spec, UUID taskRunId, UUID runId, int attempt,
        int tries) {
}
