package dev.strata.transform.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.CompiledTest;
import dev.strata.transform.compile.CompiledUnitTest;
import dev.strata.transform.project.ProjectException;
import dev.strata.transform.project.ProjectProblem;

/**
 * The steps of a build in topological order. Models are ordered by their refs (a cycle is refused with the file and
 * line of the ref that closes it); a test runs after the models it reads, and the children of a model wait for its
 * tests, so that a failing error-severity test stops bad data from flowing downstream (like {@code dbt build}).
 */
public final class Plan {

    private final List<PlanNode> nodes;

    private Plan(List<PlanNode> nodes) {
        this.nodes = nodes;
    }

    public List<PlanNode> nodes() {
        return nodes;
    }

    public List<PlanNode> models() {
        return nodes.stream().filter(n -> n.model() != null).toList();
    }

    /** Model names in an order where every model comes after the ones it refs; throws on a cycle. */
    public static List<String> topologicalOrder(CompiledProject project) {
        Map<String, CompiledModel> models = project.models();
        Map<String, Integer> indegree = new LinkedHashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (CompiledModel m : models.values()) {
            indegree.putIfAbsent(m.name(), 0);
            for (String ref : m.refs()) {
                if (models.containsKey(ref)) {
                    indegree.merge(m.name(), 1, Integer::sum);
                    children.computeIfAbsent(ref, k -> new ArrayList<>()).add(m.name());
                }
            }
        }
        List<String> order = new ArrayList<>(models.size());
        ArrayList<String> ready = new ArrayList<>();
        indegree.forEach((k, v) -> {
            if (v == 0) {
                ready.add(k);
            }
        });
        for (int i = 0; i < ready.size(); i++) {
            String name = ready.get(i);
            order.add(name);
            for (String child : children.getOrDefault(name, List.of())) {
                if (indegree.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        if (order.size() < models.size()) {
            throw new ProjectException(cycleProblem(models, indegree));
        }
        return order;
    }

    private static ProjectProblem cycleProblem(Map<String, CompiledModel> models, Map<String, Integer> indegree) {
        // walk parents inside the leftover set until a model repeats: that is a cycle
        String start = indegree.entrySet().stream().filter(e -> e.getValue() > 0).findFirst().orElseThrow().getKey();
        List<String> path = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String current = start;
        while (seen.add(current)) {
            path.add(current);
            String next = null;
            for (String ref : models.get(current).refs()) {
                if (indegree.getOrDefault(ref, 0) > 0) {
                    next = ref;
                    break;
                }
            }
            current = next;
        }
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
        // path follows refs child → parent; report as data flows, parent → child
        java.util.Collections.reverse(cycle);
        cycle.add(cycle.get(0));
        String child = cycle.get(1);
        String parent = cycle.get(0);
        CompiledModel m = models.get(child);
        return new ProjectProblem(m.file(), m.refLines().getOrDefault(parent, 0), "ref('" + parent
                + "') makes a cycle: " + String.join(" → ", cycle) + "; a model cannot depend on itself");
    }

    /** The steps for a selection (see {@link Selector}); tests are included for every selected model. */
    public static Plan of(CompiledProject project, Set<String> selected, boolean withTests) {
        List<String> order = topologicalOrder(project);
        Map<String, CompiledModel> models = project.models();
        Map<String, PlanNode> nodes = new LinkedHashMap<>();
        Map<String, Set<String>> selectedAncestors = new HashMap<>();
        for (String name : order) {
            Set<String> deps = new LinkedHashSet<>();
            for (String ref : models.get(name).refs()) {
                if (selected.contains(ref) && !models.get(ref).ephemeral()) {
                    deps.add("model." + ref);
                } else {
                    deps.addAll(selectedAncestors.getOrDefault(ref, Set.of()));
                }
            }
            selectedAncestors.put(name, deps);
            if (selected.contains(name) && !models.get(name).ephemeral()) {
                nodes.put("model." + name, new PlanNode("model." + name, models.get(name), null, deps));
            }
        }
        if (withTests) {
            // dbt build: a model's unit tests run before it (after its parents, whose columns type the inputs) and
            // a failing one skips it
            for (CompiledUnitTest unit : project.unitTests()) {
                PlanNode model = nodes.get("model." + unit.model());
                if (model == null) {
                    continue;
                }
                String id = "unit_test." + unit.name();
                nodes.put(id, new PlanNode(id, null, null, unit, model.dependsOn()));
                Set<String> deps = new LinkedHashSet<>(model.dependsOn());
                deps.add(id);
                nodes.put(model.id(), new PlanNode(model.id(), model.model(), null, deps));
            }
            Map<String, List<String>> testsOf = new HashMap<>();
            for (CompiledTest test : project.tests()) {
                boolean include = test.attachedTo() != null
                        ? selected.contains(test.attachedTo())
                        : test.refs().isEmpty()
                                ? test.test().onSource()
                                        ? readsSource(project, selected, test)
                                        : selected.containsAll(models.keySet())
                                : test.refs().stream().anyMatch(selected::contains);
                if (!include) {
                    continue;
                }
                Set<String> deps = new LinkedHashSet<>();
                for (String ref : test.refs()) {
                    if (selected.contains(ref)) {
                        deps.add("model." + ref);
                    }
                }
                String id = "test." + test.test().id();
                nodes.put(id, new PlanNode(id, null, test, deps));
                if (test.attachedTo() != null && "error".equals(test.test().severity())) {
                    testsOf.computeIfAbsent("model." + test.attachedTo(), k -> new ArrayList<>()).add(id);
                }
            }
            // children wait for their parents' error-severity tests, unless that test itself reads the child
            for (PlanNode node : new ArrayList<>(nodes.values())) {
                if (node.model() == null) {
                    continue;
                }
                Set<String> deps = new LinkedHashSet<>(node.dependsOn());
                for (String parent : node.dependsOn()) {
                    for (String testId : testsOf.getOrDefault(parent, List.of())) {
                        // a test that reads only the parent cannot read its child (models come in topological
                        // order); one that reads more models is walked
                        Set<String> reads = nodes.get(testId).dependsOn();
                        boolean onlyParent = reads.size() == 1 && reads.contains(parent);
                        if (onlyParent || !reaches(nodes, testId, node.id())) {
                            deps.add(testId);
                        }
                    }
                }
                nodes.put(node.id(), new PlanNode(node.id(), node.model(), null, deps));
            }
        }
        return new Plan(List.copyOf(nodes.values()));
    }

    private static boolean readsSource(CompiledProject project, Set<String> selected, CompiledTest test) {
        return selected.stream().map(project.models()::get)
                .anyMatch(m -> m != null && m.sources().contains(test.test().model()));
    }

    /** Whether {@code from} depends, directly or not, on {@code target}. */
    private static boolean reaches(Map<String, PlanNode> nodes, String from, String target) {
        ArrayList<String> stack = new ArrayList<>(List.of(from));
        Set<String> seen = new HashSet<>();
        while (!stack.isEmpty()) {
            String id = stack.remove(stack.size() - 1);
            if (id.equals(target)) {
                return true;
            }
            PlanNode n = nodes.get(id);
            if (n != null && seen.add(id)) {
                stack.addAll(n.dependsOn());
            }
        }
        return false;
    }
}
