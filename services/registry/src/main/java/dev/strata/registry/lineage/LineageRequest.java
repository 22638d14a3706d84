package dev.strata.registry.lineage;

import java.util.List;

/**
 * The upstream edges of one dataset, as the transform engine pushes them: which datasets it reads and, when known,
 * which upstream column feeds which of its columns.
 */
public record LineageRequest(List<Upstream> upstream) {

    /**
     * @param dataset {@code namespace.name} of the upstream dataset
     * @param columns column-level edges: {@code from} an upstream column {@code to} a column of this dataset
     */
    public record Upstream(String dataset, List<ColumnEdge> columns) {
    }

    public record ColumnEdge(String from, String to) {
    }
}
