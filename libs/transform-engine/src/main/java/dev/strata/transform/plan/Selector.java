package dev.strata.transform.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;

/**
 * dbt's node selection: space-separated terms (a union), each a model name, {@code tag:x}, {@code path:models/x}
 * or {@code config.materialized:table}, with {@code +} before (ancestors) and/or after (descendants); terms joined
 * by commas intersect; {@code --exclude} (or the separate exclude argument) removes. Empty or {@code *}: everything.
 */
public final class Selector {

    private Selector() {
    }

    public static Set<String> select(CompiledProject project, String selector, String exclude) {
        String sel = selector == null ? "" : selector.strip();
        String exc = exclude == null ? "" : exclude.strip();
        int at = sel.indexOf("--exclude");
        if (at >= 0) {
            exc = (exc + " " + sel.substring(at + "--exclude".length())).strip();
            sel = sel.substring(0, at).strip();
        }
        Set<String> result = sel.isEmpty() || sel.equals("*")
                ? new LinkedHashSet<>(project.models().keySet())
                : union(project, sel);
        if (!exc.isEmpty()) {
            result.removeAll(union(project, exc));
        }
        return result;
    }

    private static Set<String> union(CompiledProject project, String terms) {
        Set<String> out = new LinkedHashSet<>();
        for (String term : terms.split("\\s+")) {
            Set<String> intersection = null;
            for (String part : term.split(",")) {
                Set<String> one = term(project, part);
                if (intersection == null) {
                    intersection = one;
                } else {
                    intersection.retainAll(one);
                }
            }
            out.addAll(intersection);
        }
        return out;
    }

    private static Set<String> term(CompiledProject project, String raw) {
        String t = raw;
        boolean ancestors = t.startsWith("+");
        boolean descendants = t.endsWith("+");
        t = t.substring(ancestors ? 1 : 0, t.length() - (descendants ? 1 : 0));
        if (ancestors && t.matches("\\d+\\+.*")) {
            t = t.substring(t.indexOf('+') + 1);
        }
        Set<String> base = new LinkedHashSet<>();
        for (CompiledModel m : project.models().values()) {
            if (matches(m, t)) {
                base.add(m.name());
            }
        }
        if (base.isEmpty()) {
            throw new IllegalArgumentException("the selector '" + raw + "' matches no model");
        }
        Set<String> out = new LinkedHashSet<>(base);
        if (ancestors) {
            out.addAll(walk(project, base, true));
        }
        if (descendants) {
            out.addAll(walk(project, base, false));
        }
        return out;
    }

    private static boolean matches(CompiledModel m, String t) {
        if (t.startsWith("tag:")) {
            return m.tags().contains(t.substring(4));
        }
        if (t.startsWith("path:")) {
            String p = t.substring(5).replaceAll("/$", "");
            return m.file().equals(p) || m.file().startsWith(p + "/");
        }
        if (t.startsWith("config.materialized:")) {
            return m.materialized().equals(t.substring("config.materialized:".length()));
        }
        if (t.endsWith("*")) {
            return m.name().startsWith(t.substring(0, t.length() - 1));
        }
        return m.name().equals(t);
    }

    private static Set<String> walk(CompiledProject project, Set<String> start, boolean up) {
        Map<String, List<String>> children = new HashMap<>();
        for (CompiledModel m : project.models().values()) {
            for (String ref : m.refs()) {
                children.computeIfAbsent(ref, k -> new ArrayList<>()).add(m.name());
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>(start);
        while (!queue.isEmpty()) {
            String name = queue.poll();
            List<String> next = up
                    ? new ArrayList<>(project.models().get(name).refs())
                    : children.getOrDefault(name, List.of());
            for (String n : next) {
                if (project.models().containsKey(n) && seen.add(n)) {
                    queue.add(n);
                }
            }
        }
        return seen;
    }
}
