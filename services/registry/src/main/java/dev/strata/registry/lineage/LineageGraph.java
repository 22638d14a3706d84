package dev.strata.registry.lineage;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The lineage around one dataset: the datasets reached within the depth, and the edges between them. Datasets of
 * namespaces the caller cannot read are left out, and so are their edges.
 */
public record LineageGraph(String root, String direction, int depth, List<Node> nodes, List<Edge> edges) {

    /**
     * @param dataset    {@code namespace.name}
     * @param layer      its layer when registered
     * @param registered whether the registry knows the dataset (an edge may name one registered later)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Node(String dataset, String layer, boolean registered) {
    }

    public record Edge(String upstream, String downstream, List<LineageRequest.ColumnEdge> columns) {
    }
}
