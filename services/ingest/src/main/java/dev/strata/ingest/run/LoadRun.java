package dev.strata.ingest.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.events.LoadSpec;

/**
 * A load and where it stands: queued → running → succeeded | failed.
 *
 * @param id          the run id (also the load id: a raw folder, a ledger entry)
 * @param status      queued | running | succeeded | failed
 * @param rows        rows written
 * @param bytes       bytes read from the source
 * @param quarantined rows sent to the quarantine table
 * @param discarded   rows dropped by contract discard_row
 * @param durationMs  how long the last attempt took
 * @param error       what went wrong, with the file, line, column and value when the input was at fault
 * @param notes       what else a person should know (columns added, a type the file no longer matches)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadRun(UUID id, String namespace, String dataset, String status, UUID taskRunId, UUID runId,
        int attempt, Long rows, Long bytes, Long quarantined, Long discarded, Long durationMs, String error,
        Boolean retryable, String rawLocation, String table, List<String> notes, String requestedBy,
        Instant createdAt, Instant startedAt, Instant finishedAt, LoadSpec spec) {
}
