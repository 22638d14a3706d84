package dev.strata.registry.version;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.events.DatasetColumn;

/**
 * One version of a dataset: what a successful load or build committed.
 *
 * @param number        1, 2, 3... per dataset, in the order the registry recorded them
 * @param id            the version id the producer chose ({@code DatasetUpdated.versionId})
 * @param columns       the schema snapshot, in table order
 * @param rawLocation   where the loaded files are, an {@code s3://} URI
 * @param producedByRun the pipeline run that produced it; null for a load not started by a run
 * @param producer      the service that reported it, e.g. {@code /strata/ingest}
 * @param committedAt   when the producer committed it (the event's time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetVersion(int number, UUID id, long rowCount, long bytes, UUID loadId, String rawLocation,
        UUID producedByRun, List<DatasetColumn> columns, String producer, Instant committedAt, Instant recordedAt) {
}
