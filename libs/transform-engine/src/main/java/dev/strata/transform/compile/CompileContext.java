package dev.strata.transform.compile;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.project.Project;

/** Project-wide facts the template functions need while a project is compiled on this thread. */
record CompileContext(Project project, Map<String, Object> vars, Set<String> nodes, CompileBudget budget,
        Map<String, String> env, MacroRegistry macros) {

    static final ThreadLocal<CompileContext> CURRENT = new ThreadLocal<>();

    boolean hasNode(String name) {
        return nodes.contains(name);
    }

    /** " (did you mean 'orders'?)" for a near miss, else "". */
    String suggestion(String name) {
        return nodes.stream().min(Comparator.comparingInt(n -> distance(n, name))).filter(n -> distance(n, name) <= 3)
                .map(n -> " (did you mean '" + n + "'?)").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
