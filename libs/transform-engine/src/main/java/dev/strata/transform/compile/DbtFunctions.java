package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.hubspot.jinjava.el.ext.NamedParameter;

import dev.strata.transform.project.Model;
import dev.strata.transform.project.Project;
import dev.strata.transform.project.Seed;
import dev.strata.transform.project.SourceTable;

/**
 * dbt's base context functions beyond Jinja's (dbt-core {@code context/base.py}): {@code fromjson}, {@code fromyaml},
 * {@code toyaml}, {@code zip}, {@code set}, {@code modules.itertools}; and the {@code graph} variable. Each result is
 * bounded ({@link #MAX_ITEMS}); a value Python would refuse gives the {@code default} argument, as dbt.
 */
public final class DbtFunctions {

    /** The most items {@code zip}, {@code set} and {@code itertools} build. */
    static final int MAX_ITEMS = 100_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    private static final YAMLMapper YAML_SORTED = (YAMLMapper) YAML.copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final Pattern REF = Pattern.compile(
            "\\bref\\(\\s*['\"]([^'\"]+)['\"]\\s*(?:,\\s*['\"]([^'\"]+)['\"]\\s*)?\\)");
    private static final Pattern SOURCE = Pattern.compile(
            "\\bsource\\(\\s*['\"]([^'\"]+)['\"]\\s*,\\s*['\"]([^'\"]+)['\"]\\s*\\)");

    private DbtFunctions() {
    }

    /** {@code fromjson(string, default=None)}: Python's {@code json.loads}, or {@code default} when it fails. */
    public static Object fromjson(Object value, Object... defaults) {
        try {
            return JSON.readValue(String.valueOf(value), Object.class);
        } catch (JsonProcessingException | RuntimeException e) {
            return fallback(defaults);
        }
    }

    /** {@code fromyaml(string, default=None)}: {@code yaml.safe_load}, or {@code default} when it fails. */
    public static Object fromyaml(Object value, Object... defaults) {
        try {
            return YAML.readValue(String.valueOf(value), Object.class);
        } catch (JsonProcessingException | RuntimeException e) {
            return fallback(defaults);
        }
    }

    /** {@code toyaml(value, default=None, sort_keys=False)}: {@code yaml.safe_dump} (block style). */
    public static Object toyaml(Object value, Object... more) {
        boolean sort = false;
        for (Object m : more) {
            if (m instanceof NamedParameter p && p.getName().equals("sort_keys")) {
                sort = Boolean.TRUE.equals(p.getValue());
            }
        }
        try {
            return (sort ? YAML_SORTED : YAML).writeValueAsString(value);
        } catch (JsonProcessingException | RuntimeException e) {
            return fallback(more);
        }
    }

    /** {@code zip(*args, default=None)}: {@code list(zip(*args))}, each item a list (a tuple in Python). */
    public static Object zip(Object... args) {
        List<List<?>> lists = new ArrayList<>();
        Object fallback = null;
        for (Object arg : args) {
            if (arg instanceof NamedParameter p) {
                if (p.getName().equals("default")) {
                    fallback = p.getValue();
                }
                continue;
            }
            List<?> list = asList(arg);
            if (list == null) {
                return fallback;
            }
            lists.add(list);
        }
        List<List<Object>> out = new ArrayList<>();
        if (lists.isEmpty()) {
            return out;
        }
        int n = lists.stream().mapToInt(List::size).min().orElse(0);
        for (int i = 0; i < n; i++) {
            List<Object> row = new ArrayList<>();
            for (List<?> l : lists) {
                row.add(l.get(i));
            }
            out.add(row);
        }
        return out;
    }

    /** {@code set(value, default=None)}: Python's {@code set(value)} (kept in first-seen order), or {@code default}. */
    public static Object set(Object value, Object... defaults) {
        List<?> list = asList(value);
        return list == null ? fallback(defaults) : new LinkedHashSet<>(list);
    }

    private static Object fallback(Object[] more) {
        for (Object m : more) {
            if (m instanceof NamedParameter p) {
                if (p.getName().equals("default")) {
                    return p.getValue();
                }
            } else {
                return m;
            }
        }
        return null;
    }

    /** A Python iterable as a list: a list, set, map (its keys) or string (its characters); else null. */
    static List<?> asList(Object value) {
        if (value instanceof List<?> l) {
            check(l.size());
            return l;
        }
        if (value instanceof Collection<?> c) {
            check(c.size());
            return new ArrayList<>(c);
        }
        if (value instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (value instanceof Object[] a) {
            return List.of(a);
        }
        if (value instanceof CharSequence s) {
            List<String> out = new ArrayList<>();
            s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
            return out;
        }
        return null;
    }

    private static void check(long size) {
        if (size > MAX_ITEMS) {
            throw new IllegalArgumentException("more than " + MAX_ITEMS + " items; Strata keeps a template's lists"
                    + " below that");
        }
    }

    private static List<?> iterable(Object value, String function) {
        List<?> list = asList(value instanceof NamedParameter p ? p.getValue() : value);
        if (list == null) {
            throw new IllegalArgumentException("itertools." + function + ": '" + value + "' is not iterable");
        }
        return list;
    }

    /** {@code modules.itertools}: chain, product, combinations, permutations, islice; each a list of lists. */
    public static final class Itertools {

        public List<Object> chain(Object... iterables) {
            List<Object> out = new ArrayList<>();
            for (Object i : iterables) {
                out.addAll(iterable(i, "chain"));
                check(out.size());
            }
            return out;
        }

        public List<List<Object>> product(Object... args) {
            List<List<?>> pools = new ArrayList<>();
            int repeat = 1;
            for (Object a : args) {
                if (a instanceof NamedParameter p && p.getName().equals("repeat")) {
                    repeat = ((Number) p.getValue()).intValue();
                } else {
                    pools.add(iterable(a, "product"));
                }
            }
            List<List<?>> all = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                all.addAll(pools);
            }
            List<List<Object>> out = new ArrayList<>();
            out.add(new ArrayList<>());
            for (List<?> pool : all) {
                List<List<Object>> next = new ArrayList<>();
                for (List<Object> prefix : out) {
                    for (Object x : pool) {
                        List<Object> row = new ArrayList<>(prefix);
                        row.add(x);
                        next.add(row);
                        check(next.size());
                    }
                }
                out = next;
            }
            return out;
        }

        public List<List<Object>> combinations(Object iterable, Object r) {
            List<?> pool = iterable(iterable, "combinations");
            List<List<Object>> out = new ArrayList<>();
            pick(pool, ((Number) unnamed(r)).intValue(), 0, new ArrayList<>(), new boolean[pool.size()], false, out);
            return out;
        }

        public List<List<Object>> permutations(Object iterable, Object... r) {
            List<?> pool = iterable(iterable, "permutations");
            int n = r.length == 0 || unnamed(r[0]) == null ? pool.size() : ((Number) unnamed(r[0])).intValue();
            List<List<Object>> out = new ArrayList<>();
            pick(pool, n, 0, new ArrayList<>(), new boolean[pool.size()], true, out);
            return out;
        }

        public List<Object> islice(Object iterable, Object... bounds) {
            List<?> pool = iterable(iterable, "islice");
            int start = 0;
            int stop;
            int step = 1;
            if (bounds.length == 1) {
                stop = unnamed(bounds[0]) == null ? pool.size() : ((Number) unnamed(bounds[0])).intValue();
            } else {
                start = unnamed(bounds[0]) == null ? 0 : ((Number) unnamed(bounds[0])).intValue();
                stop = unnamed(bounds[1]) == null ? pool.size() : ((Number) unnamed(bounds[1])).intValue();
                step = bounds.length > 2 && unnamed(bounds[2]) != null ? ((Number) unnamed(bounds[2])).intValue() : 1;
            }
            List<Object> out = new ArrayList<>();
            for (int i = start; i < Math.min(stop, pool.size()); i += Math.max(step, 1)) {
                out.add(pool.get(i));
            }
            return out;
        }

        private static Object unnamed(Object v) {
            return v instanceof NamedParameter p ? p.getValue() : v;
        }

        private static void pick(List<?> pool, int r, int from, List<Object> current, boolean[] used,
                boolean ordered, List<List<Object>> out) {
            if (current.size() == r) {
                out.add(new ArrayList<>(current));
                check(out.size());
                return;
            }
            for (int i = ordered ? 0 : from; i < pool.size(); i++) {
                if (used[i]) {
                    continue;
                }
                used[i] = true;
                current.add(pool.get(i));
                pick(pool, r, i + 1, current, used, ordered, out);
                current.remove(current.size() - 1);
                used[i] = false;
            }
        }
    }

    /**
     * dbt's {@code graph}: {@code nodes} (models and seeds by {@code unique_id}, each with {@code unique_id},
     * {@code resource_type}, {@code name}, {@code package_name}, {@code original_file_path}, {@code config} as the
     * project's yml and dbt_project.yml set it, {@code tags}, and {@code depends_on.nodes} from the literal
     * {@code ref(...)} / {@code source(...)} calls of its SQL) and {@code sources}.
     */
    static Map<String, Object> graph(Project project) {
        Map<String, Object> nodes = new LinkedHashMap<>();
        String pkg = project.name();
        for (Seed seed : project.seeds().values()) {
            String id = "seed." + pkg + "." + seed.name();
            nodes.put(id, node(id, "seed", seed.name(), pkg, seed.file(), seed.config(), List.of()));
        }
        for (Model model : project.models().values()) {
            String id = "model." + pkg + "." + model.name();
            List<String> deps = new ArrayList<>();
            Matcher m = REF.matcher(model.sql());
            while (m.find()) {
                String name = m.group(2) != null ? m.group(2) : m.group(1);
                String kind = project.seeds().containsKey(name) ? "seed" : "model";
                String dep = kind + "." + pkg + "." + name;
                if (!deps.contains(dep)) {
                    deps.add(dep);
                }
            }
            Matcher s = SOURCE.matcher(model.sql());
            while (s.find()) {
                String dep = "source." + pkg + "." + s.group(1) + "." + s.group(2);
                if (!deps.contains(dep)) {
                    deps.add(dep);
                }
            }
            nodes.put(id, node(id, "model", model.name(), pkg, model.file(), model.config(), deps));
        }
        Map<String, Object> sources = new LinkedHashMap<>();
        for (SourceTable t : project.sources().values()) {
            String id = "source." + pkg + "." + t.source() + "." + t.name();
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("unique_id", id);
            node.put("resource_type", "source");
            node.put("name", t.name());
            node.put("source_name", t.source());
            node.put("package_name", pkg);
            node.put("schema", t.schema());
            node.put("identifier", t.identifier());
            node.put("original_file_path", t.file());
            sources.put(id, node);
        }
        return Map.of("nodes", nodes, "sources", sources, "exposures", Map.of(), "metrics", Map.of(),
                "groups", Map.of(), "semantic_models", Map.of(), "saved_queries", Map.of());
    }

    private static Map<String, Object> node(String id, String type, String name, String pkg, String file,
            Map<String, Object> config, List<String> deps) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("unique_id", id);
        node.put("resource_type", type);
        node.put("name", name);
        node.put("package_name", pkg);
        node.put("original_file_path", file);
        node.put("path", file);
        node.put("config", config);
        Object tags = config.get("tags");
        node.put("tags", tags instanceof List<?> l ? l : tags == null ? List.of() : List.of(tags));
        node.put("depends_on", Map.of("nodes", deps, "macros", List.of()));
        return node;
    }
}
