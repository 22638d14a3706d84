package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.project.ProjectProblem;
import dev.strata.warehouse.Namespaces;

/**
 * dbt's {@code grants} config (docs.getdbt.com/reference/resource-configs/grants) inside a namespace: a map of
 * privilege to grantees, e.g. {@code grants: {select: ['reader']}}. A grantee is a name Strata manages in the
 * namespace the project is built in, written the same in every namespace and mapped to the namespace's real role:
 * {@value #READER} is the namespace's read-only role ({@link Namespaces#readerRole}, the one the SQL workspace reads
 * as). Any other grantee (PUBLIC, another namespace's role, a superuser, a role made outside Strata) is refused at push
 * with its file, line and column.
 */
public final class DbtGrants {

    /** The namespace's read-only role, as a project writes it. */
    public static final String READER = "reader";
    /** Postgres's privileges on a table or view (GRANT ... ON TABLE). */
    private static final Set<String> PRIVILEGES = Set.of("select", "insert", "update", "delete", "truncate",
            "references", "trigger", "maintain");
    /** What each managed grantee may be given: the reader reads, nothing more. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(READER, Set.of("select"));

    private DbtGrants() {
    }

    /** The grantees a project may name, with the role each one is in {@code namespace}, as a sentence. */
    static String allowed(String namespace) {
        return "the grantees a project may name are: '" + READER + "' (the namespace's read-only role, "
                + Namespaces.readerRole(namespace) + ", which the SQL workspace reads as)";
    }

    /**
     * The grants of a node's merged config as privilege → the managed grantee names (lower case), or {@code null} when
     * it has none, or an empty map ({@code grants: {}}), which dbt treats as no grants config at all.
     */
    public static Map<String, List<String>> of(Map<String, Object> config) {
        if (!(config.get("grants") instanceof Map<?, ?> grants) || grants.isEmpty()) {
            return null;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        grants.forEach((k, v) -> {
            String privilege = String.valueOf(k).strip().toLowerCase(Locale.ROOT);
            if (privilege.startsWith("+")) {
                privilege = privilege.substring(1);
            }
            List<String> grantees = out.computeIfAbsent(privilege, p -> new ArrayList<>());
            for (Object g : v instanceof List<?> list ? list : v == null ? List.of() : List.of(v)) {
                String name = String.valueOf(g).strip().toLowerCase(Locale.ROOT);
                if (!grantees.contains(name)) {
                    grantees.add(name);
                }
            }
        });
        return out;
    }

    /**
     * The grants of a node's merged config with each grantee as the real role of {@code namespace}
     * ({@code reader} → {@code strata_nsr_<pg>}), or {@code null} when it has none.
     */
    public static Map<String, List<String>> resolve(Map<String, Object> config, String namespace) {
        Map<String, List<String>> grants = of(config);
        if (grants == null) {
            return null;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        grants.forEach((privilege, grantees) -> out.put(privilege, grantees.stream().map(g -> role(g, namespace))
                .toList()));
        return out;
    }

    /** The real roles of {@code namespace} that grants may give privileges to (and take them from). */
    public static Set<String> managedRoles(String namespace) {
        return Set.of(Namespaces.readerRole(namespace));
    }

    private static String role(String grantee, String namespace) {
        if (grantee.equals(READER)) {
            return Namespaces.readerRole(namespace);
        }
        throw new IllegalArgumentException("grantee '" + Namespaces.printable(grantee) + "' is not managed by Strata");
    }

    /**
     * What is wrong with the grants of node {@code node} (a model, seed or snapshot) in {@code namespace}: each problem
     * at the file, line and column where the value is written, looked up in the node's own file first, then the
     * project's yml files, then {@code dbt_project.yml}.
     */
    static List<ProjectProblem> problems(String node, String nodeFile, String namespace, Map<String, Object> config,
            Map<String, String> files) {
        Object value = config.get("grants");
        List<ProjectProblem> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> grants)) {
            Where w = where(nodeFile, files, "grants");
            out.add(w.problem(node + ": grants must be a map of privilege to grantees, such as {select: ['"
                    + READER + "']}, got '" + Namespaces.printable(String.valueOf(value)) + "'"));
            return out;
        }
        for (Map.Entry<?, ?> e : grants.entrySet()) {
            String written = String.valueOf(e.getKey()).strip();
            String privilege = written.toLowerCase(Locale.ROOT).replaceFirst("^\\+", "");
            if (!PRIVILEGES.contains(privilege)) {
                out.add(where(nodeFile, files, written).problem(node + ": grants: '" + Namespaces.printable(written)
                        + "' is not a privilege on a table or view (select, insert, update, delete, truncate,"
                        + " references, trigger)"));
                continue;
            }
            Object v = e.getValue();
            List<?> grantees = v instanceof List<?> list ? list : v == null ? List.of() : List.of(v);
            for (Object g : grantees) {
                String grantee = String.valueOf(g).strip();
                String lower = grantee.toLowerCase(Locale.ROOT);
                Set<String> may = ALLOWED.get(lower);
                String why = null;
                if (may == null) {
                    why = "'" + Namespaces.printable(grantee) + "' " + whyNot(lower, namespace) + "; "
                            + allowed(namespace);
                } else if (!may.contains(privilege)) {
                    why = "'" + lower + "' is read-only: it may be given select, not " + privilege;
                }
                if (why != null) {
                    out.add(where(nodeFile, files, grantee).problem(node + ": grants " + privilege + ": " + why));
                }
            }
        }
        return out;
    }

    private static String whyNot(String grantee, String namespace) {
        if (grantee.equals("public")) {
            return "is PUBLIC, every role of the warehouse (other namespaces' too)";
        }
        if (grantee.equals(Namespaces.readerRole(namespace))) {
            return "is the namespace's read-only role by its Postgres name; write '" + READER + "', the same in every"
                    + " namespace the project is built in";
        }
        if (grantee.equals(Namespaces.role(namespace))) {
            return "is the namespace's own role, which owns the relation already";
        }
        if (grantee.startsWith("strata_ns")) {
            return "is another namespace's role (a relation is shared with another namespace by a Strata share,"
                    + " not by grants)";
        }
        return "is not a role that Strata manages in namespace '" + namespace + "' (a superuser, a role made outside"
                + " Strata or another namespace's role cannot be granted to)";
    }

    /** Where a value of a node's grants is written: file, line and column (1-based; 0 when not found). */
    private record Where(String file, int line, int column) {

        ProjectProblem problem(String message) {
            return new ProjectProblem(file, line, (column > 0 ? "column " + column + ": " : "") + message);
        }
    }

    private static Where where(String nodeFile, Map<String, String> files, String value) {
        List<String> candidates = new ArrayList<>();
        candidates.add(nodeFile);
        files.keySet().stream().filter(f -> !f.equals("dbt_project.yml") && !f.startsWith("dbt_packages/")
                && (f.endsWith(".yml") || f.endsWith(".yaml"))).sorted().forEach(candidates::add);
        candidates.add("dbt_project.yml");
        for (String file : candidates) {
            String text = files.get(file);
            int grants = text == null ? -1 : text.indexOf("grants");
            while (grants >= 0) {
                int at = token(text, value, grants);
                if (at >= 0) {
                    int line = 1 + (int) text.substring(0, at).chars().filter(ch -> ch == '\n').count();
                    return new Where(file, line, at - text.lastIndexOf('\n', at - 1));
                }
                grants = text.indexOf("grants", grants + 1);
            }
        }
        return new Where(nodeFile, 0, 0);
    }

    /** The first place after {@code from} where {@code value} stands as a whole word, else -1. */
    private static int token(String text, String value, int from) {
        if (value.isEmpty()) {
            return -1;
        }
        for (int at = text.indexOf(value, from); at >= 0; at = text.indexOf(value, at + 1)) {
            boolean before = at == 0 || !isWord(text.charAt(at - 1));
            int end = at + value.length();
            boolean after = end >= text.length() || !isWord(text.charAt(end));
            if (before && after) {
                return at;
            }
        }
        return -1;
    }

    private static boolean isWord(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '+';
    }
}
