package dev.strata.scheduler.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.NodePlacementStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Where a run page draws each task of its DAG: laid out here by ELK's layered algorithm (its Java implementation, the
 * one the UI's elkjs is compiled from, with the UI's options), once per graph shape and kept, so that a run page draws
 * its DAG as soon as the run is read, without booting ELK in the browser first (that boot alone took 0.7–0.9 s of a
 * cold page on two cores). The pipeline page's DAG comes laid out the same way with the validator's answer; the UI's
 * worker still lays out what only the browser has (lineage).
 */
@ApplicationScoped
public class TaskLayouts {

    private static final Logger LOG = Logger.getLogger(TaskLayouts.class);

    /** The size the UI draws a task node at (webui layout.ts NODE_WIDTH and NODE_HEIGHT). */
    static final double NODE_WIDTH = 180;
    static final double NODE_HEIGHT = 44;
    /** The UI offers to filter first above this many nodes (layout.ts GRAPH_LIMIT): no layout is made for them. */
    static final int GRAPH_LIMIT = 400;
    private static final int KEPT = 256;

    /** A task node's top-left corner, in px. */
    public record Point(double x, double y) {
    }

    static {
        LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
    }

    private final Map<String, Map<String, Point>> kept = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Point>> eldest) {
            return size() > KEPT;
        }
    };

    /** ELK's classes loaded and its hot code compiled before the first run page asks (in the background). */
    void onStart(@Observes StartupEvent event) {
        Thread warmUp = new Thread(() -> {
            List<String> ids = new ArrayList<>();
            Map<String, List<String>> deps = new LinkedHashMap<>();
            for (int layer = 0; layer < 4; layer++) {
                for (int i = 0; i < 4; i++) {
                    String id = "w" + layer + "_" + i;
                    ids.add(id);
                    deps.put(id, layer == 0
                            ? List.of()
                            : List.of("w" + (layer - 1) + "_" + i,
                                    "w" + (layer - 1) + "_" + ((i + 1) % 4)));
                }
            }
            try {
                lay(ids, deps);
            } catch (RuntimeException e) {
                LOG.warnf("ELK's warm-up layout failed: %s", e.toString());
            }
        }, "task-layout-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * The positions of a run's tasks, in task order; {@code null} for no tasks or more than {@link #GRAPH_LIMIT}
     * (the page then asks to filter first) and when ELK fails (the page lays the DAG out itself).
     */
    public Map<String, Point> of(List<RunView.TaskRunView> tasks) {
        if (tasks == null) {
            return null;
        }
        List<String> ids = new ArrayList<>(tasks.size());
        Map<String, List<String>> deps = new HashMap<>();
        for (RunView.TaskRunView t : tasks) {
            ids.add(t.taskId());
            deps.put(t.taskId(), t.dependsOn() == null ? List.of() : t.dependsOn());
        }
        return of(ids, deps);
    }

    /**
     * The positions of tasks {@code ids} (in this order) where each depends on the tasks {@code dependsOn} names
     * (names of no task in {@code ids} are left out); {@code null} as for a run.
     */
    public Map<String, Point> of(List<String> ids, Map<String, List<String>> dependsOn) {
        if (ids.isEmpty() || ids.size() > GRAPH_LIMIT) {
            return null;
        }
        StringBuilder shape = new StringBuilder();
        for (String id : ids) {
            shape.append(id).append('<').append(String.join(",", dependsOn.getOrDefault(id, List.of()))).append('|');
        }
        String key = shape.toString();
        synchronized (kept) {
            Map<String, Point> known = kept.get(key);
            if (known != null) {
                return known;
            }
        }
        Map<String, Point> laid;
        try {
            laid = lay(ids, dependsOn);
        } catch (RuntimeException e) {
            LOG.warnf("ELK could not lay out a DAG of %d tasks: %s", ids.size(), e.toString());
            return null;
        }
        synchronized (kept) {
            kept.put(key, laid);
        }
        return laid;
    }

    /** Layered, left to right, with the options of the UI's worker (layout.ts OPTIONS). */
    private static Map<String, Point> lay(List<String> ids, Map<String, List<String>> deps) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 24.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 56.0);
        root.setProperty(LayeredOptions.THOROUGHNESS, 1);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.POLYLINE);
        root.setProperty(LayeredOptions.NODE_PLACEMENT_STRATEGY, NodePlacementStrategy.SIMPLE);
        Map<String, ElkNode> nodes = new LinkedHashMap<>();
        for (String id : ids) {
            ElkNode node = ElkGraphUtil.createNode(root);
            node.setIdentifier(id);
            node.setDimensions(NODE_WIDTH, NODE_HEIGHT);
            nodes.put(id, node);
        }
        for (String id : ids) {
            for (String from : deps.getOrDefault(id, List.of())) {
                // a name of no task (a pipeline being written) draws no edge
                ElkNode source = nodes.get(from);
                if (source != null) {
                    ElkGraphUtil.createSimpleEdge(source, nodes.get(id));
                }
            }
        }
        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());
        Map<String, Point> positions = new LinkedHashMap<>();
        nodes.forEach((id, node) -> positions.put(id, new Point(Math.round(node.getX() * 10) / 10.0,
                Math.round(node.getY() * 10) / 10.0)));
        return positions;
    }
}
