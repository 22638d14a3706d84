package dev.strata.transform.lineage;

import java.util.List;

/**
 * One input of a dataset, in the registry's lineage shape.
 *
 * @param dataset {@code namespace.name}
 * @param columns column mappings where they could be resolved (empty otherwise)
 */
public record Upstream(String dataset, List<ColumnMapping> columns) {

    /** Column {@code from} of the upstream feeds column {@code to} of the dataset. */
    public record ColumnMapping(String from, String to) {
    }
}
