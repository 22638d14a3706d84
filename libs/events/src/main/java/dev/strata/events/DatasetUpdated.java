package dev.strata.events;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A new version of a dataset was committed to the registry. Subject: {@code <namespace>.<name>}.
 *
 * @param namespace     the dataset's namespace, e.g. {@code sales}
 * @param name          the dataset's name within the namespace, e.g. {@code orders}
 * @param versionId     the committed dataset version
 * @param rowCount      rows in the new version
 * @param bytes         size of the new version in bytes
 * @param loadId        the load that produced the version
 * @param rawLocation   where the loaded files are, an {@code s3://} URI
 * @param producedByRun the pipeline run that produced the version; {@code null} for a load not started by a run
 * @param columns       the schema of the new version, in table order (empty when unknown)
 */
public record DatasetUpdated(String namespace, String name, UUID versionId, long rowCount, long bytes, UUID loadId,
        String rawLocation, UUID producedByRun, List<DatasetColumn> columns) implements StrataEvent {

    public static final String TYPE = "dev.strata.dataset.updated.v1";

    public DatasetUpdated {
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(name, "name is required");
        Objects.requireNonNull(versionId, "versionId is required");
        Objects.requireNonNull(loadId, "loadId is required");
        Objects.requireNonNull(rawLocation, "rawLocation is required");
        columns = columns == null ? List.of() : List.copyOf(columns);
    }
}
