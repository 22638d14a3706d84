package dev.strata.registry.lineage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.registry.dataset.DatasetNames;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

/**
 * Model- and column-level lineage, pushed by the transform engine one dataset at a time (its upstream edges replace
 * the previous ones), read as a graph up, down or both ways from a dataset.
 */
@ApplicationScoped
public class LineageService {

    static final int MAX_DEPTH = 10;
    private static final int MAX_UPSTREAMS = 500;

    private final LineageRepository edges;
    private final NamespaceAccess access;

    LineageService(LineageRepository edges, NamespaceAccess access) {
        this.edges = edges;
        this.access = access;
    }

    @Transactional
    public LineageGraph replaceUpstream(String namespace, String name, LineageRequest request) {
        DatasetNames.requireIdentity(namespace, name);
        access.require(namespace, Role.ENGINEER);
        if (request == null || request.upstream() == null) {
            throw ProblemException.badRequest("The body lists the upstream datasets: {\"upstream\":[{\"dataset\":"
                    + "\"ns.name\",\"columns\":[{\"from\":\"a\",\"to\":\"b\"}]}]} (an empty list removes them).");
        }
        if (request.upstream().size() > MAX_UPSTREAMS) {
            throw ProblemException.badRequest("At most " + MAX_UPSTREAMS + " upstream datasets per dataset.");
        }
        String self = namespace + "." + name;
        NamespaceAccess.Scope readable = access.readable();
        Map<String, LineageGraph.Edge> byUpstream = new LinkedHashMap<>();
        for (int i = 0; i < request.upstream().size(); i++) {
            LineageRequest.Upstream up = request.upstream().get(i);
            if (up == null || up.dataset() == null) {
                throw ProblemException.badRequest("upstream[" + i + "] names no dataset.");
            }
            String[] id = DatasetNames.parseQualified(up.dataset());
            String qualified = id[0] + "." + id[1];
            if (qualified.equals(self)) {
                throw ProblemException.badRequest("upstream[" + i + "]: a dataset cannot be its own upstream.");
            }
            if (!readable.includes(id[0])) {
                throw ProblemException.badRequest("upstream[" + i + "]: you cannot read namespace '" + id[0]
                        + "', so you cannot record lineage from it.");
            }
            List<LineageRequest.ColumnEdge> columns = new ArrayList<>();
            if (byUpstream.containsKey(qualified)) {
                columns.addAll(byUpstream.get(qualified).columns());
            }
            for (LineageRequest.ColumnEdge column : up.columns() == null
                    ? List.<LineageRequest.ColumnEdge>of()
                    : up.columns()) {
                if (column == null || blank(column.from()) || blank(column.to())) {
                    throw ProblemException.badRequest("upstream[" + i + "].columns: every edge names 'from' (the "
                            + "upstream column) and 'to' (this dataset's column).");
                }
                if (!columns.contains(column)) {
                    columns.add(column);
                }
            }
            byUpstream.put(qualified, new LineageGraph.Edge(qualified, self, List.copyOf(columns)));
        }
        edges.replaceUpstream(namespace, name, List.copyOf(byUpstream.values()));
        return graph(namespace, name, "up", 1);
    }

    public LineageGraph graph(String namespace, String name, String direction, Integer depth) {
        DatasetNames.requireIdentity(namespace, name);
        String dir = direction == null ? "both" : direction;
        if (!List.of("up", "down", "both").contains(dir)) {
            throw ProblemException.badRequest("direction must be up, down or both.");
        }
        int d = depth == null ? 3 : depth;
        if (d < 1 || d > MAX_DEPTH) {
            throw ProblemException.badRequest("depth must be between 1 and " + MAX_DEPTH + ".");
        }
        NamespaceAccess.Scope readable = access.readable();
        if (!readable.includes(namespace)) {
            throw ProblemException.notFound("No dataset '" + namespace + "." + name + "' that you can read.");
        }
        String root = namespace + "." + name;
        Set<String> nodes = new LinkedHashSet<>(List.of(root));
        Map<String, LineageGraph.Edge> found = new LinkedHashMap<>();
        if (!"down".equals(dir)) {
            walk(root, d, true, readable, nodes, found);
        }
        if (!"up".equals(dir)) {
            walk(root, d, false, readable, nodes, found);
        }
        List<LineageGraph.Node> nodeList = nodes.stream().map(qualified -> {
            String[] id = qualified.split("\\.", 2);
            String layer = edges.layer(id[0], id[1]).orElse(null);
            return new LineageGraph.Node(qualified, layer, layer != null);
        }).toList();
        return new LineageGraph(root, dir, d, nodeList, List.copyOf(found.values()));
    }

    private void walk(String root, int depth, boolean up, NamespaceAccess.Scope readable, Set<String> nodes,
            Map<String, LineageGraph.Edge> found) {
        Deque<String> frontier = new ArrayDeque<>(List.of(root));
        Set<String> seen = new LinkedHashSet<>(List.of(root));
        for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
            Deque<String> next = new ArrayDeque<>();
            for (String current : frontier) {
                String[] id = current.split("\\.", 2);
                for (LineageGraph.Edge edge : up ? edges.upstreamOf(id[0], id[1]) : edges.downstreamOf(id[0], id[1])) {
                    String other = up ? edge.upstream() : edge.downstream();
                    if (!readable.includes(other.substring(0, other.indexOf('.')))) {
                        continue; // a namespace the caller cannot read: neither the node nor the edge
                    }
                    found.putIfAbsent(edge.upstream() + ">" + edge.downstream(), edge);
                    nodes.add(other);
                    if (seen.add(other)) {
                        next.add(other);
                    }
                }
            }
            frontier = next;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
