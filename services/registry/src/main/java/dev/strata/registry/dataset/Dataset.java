package dev.strata.registry.dataset;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.events.LoadSpec.Format;
import dev.strata.events.LoadSpec.Source;

/**
 * A dataset of the catalog.
 *
 * @param warehouseTable the warehouse table holding its data, {@code <pg namespace>__<layer>.<name>}
 * @param latestVersion  the number of its latest version; null before its first load
 * @param sharedWith     the namespaces that may read its warehouse table (shares granted by an admin of its
 *                       namespace); a caller of another namespace sees only the ones it can read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Dataset(UUID id, String namespace, String name, String description, String owner, List<String> tags,
        String layer, Source source, Format format, String loadMode, List<String> mergeKey, String contract,
        List<Column> columns, String warehouseTable, Integer latestVersion, String createdBy, Instant createdAt,
        Instant updatedAt, List<String> sharedWith) {

    public String qualifiedName() {
        return namespace + "." + name;
    }

    public Dataset withColumns(List<Column> newColumns) {
        return new Dataset(id, namespace, name, description, owner, tags, layer, source, format, loadMode, mergeKey,
                contract, newColumns, warehouseTable, latestVersion, createdBy, createdAt, updatedAt, sharedWith);
    }

    public Dataset withSharedWith(List<String> readers) {
        return new Dataset(id, namespace, name, description, owner, tags, layer, source, format, loadMode, mergeKey,
                contract, columns, warehouseTable, latestVersion, createdBy, createdAt, updatedAt, List.copyOf(
                        readers));
    }
}
