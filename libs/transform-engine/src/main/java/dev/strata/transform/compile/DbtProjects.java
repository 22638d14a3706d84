package dev.strata.transform.compile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.strata.transform.project.Project;
import dev.strata.transform.project.ProjectProblem;

/** What a dbt project brings beyond its own files: dbt's global macros, vendored packages, dispatch orders. */
final class DbtProjects {

    /** Where packages are vendored in a pushed project, as {@code dbt deps} leaves them. */
    static final String PACKAGES = "dbt_packages/";
    /**
     * Strata's own implementation of dbt's documented cross-database macros (dates, strings, types, set operators and
     * aggregates, arrays), in the {@code dbt} package: each public macro dispatches through
     * {@code adapter.dispatch(name, 'dbt')} to a {@code postgres__} or {@code default__} implementation.
     */
    private static final String BUILTIN_DIR = "dbt/builtins/";
    private static final List<String> BUILTIN_FILES = List.of("types", "strings", "sets", "arrays", "dates",
            "relations");
    private static final Map<String, String> BUILTINS = readBuiltins();
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Names every template sees without defining them. */
    private static final Set<String> GLOBALS = Set.of("adapter", "api", "exceptions", "modules", "this", "target",
            "model", "config", "caller", "kwargs", "varargs", "loop", "self", "project_name", "run_started_at",
            "execute", "return", "env_var", "var", "ref", "source", "log", "statement", "run_query", "load_result",
            "doc", "is_incremental", "should_store_failures", "range", "dict", "namespace", "cycler", "joiner",
            "lipsum", "super", "graph", "results", "fromjson", "fromyaml", "toyaml", "tojson", "zip", "set");
    private static final Pattern CODE = Pattern.compile("\\{\\{(.*?)}}|\\{%(.*?)%}", Pattern.DOTALL);
    private static final Pattern CALL = Pattern.compile("(?<![\\w.'\")\\]])([A-Za-z_]\\w*)((?:\\.\\w+)+)\\s*\\(");
    private static final Pattern ASSIGNED = Pattern.compile(
            "\\b(?:set|for|as|with)\\s+([A-Za-z_]\\w*(?:\\s*,\\s*[A-Za-z_]\\w*)*)");
    private static final Pattern SIGNATURE = Pattern
            .compile("\\b(?:macro|test|materialization)\\s+\\w+\\s*\\(([^)]*)\\)");
    private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"");

    private DbtProjects() {
    }

    private static Map<String, String> readBuiltins() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : BUILTIN_FILES) {
            String path = BUILTIN_DIR + name + ".sql";
            try (InputStream in = DbtProjects.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + path);
                }
                out.put(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** dbt's global macros, by resource path. */
    static Map<String, String> builtinMacros() {
        return BUILTINS;
    }

    /** The package a file of the project belongs to ({@code dbt_packages/<package>/...}), or null for its own. */
    static String packageOf(String path) {
        if (!path.startsWith(PACKAGES)) {
            return null;
        }
        int slash = path.indexOf('/', PACKAGES.length());
        return slash < 0 ? null : path.substring(PACKAGES.length(), slash);
    }

    /** {@code dispatch: [{macro_namespace: x, search_order: [a, b]}]} of dbt_project.yml. */
    static Map<String, List<String>> dispatchOrders(Project project) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String yml = project.files().get("dbt_project.yml");
        if (yml == null) {
            return out;
        }
        try {
            JsonNode root = YAML.readTree(yml);
            for (JsonNode d : root == null ? YAML.createArrayNode() : root.path("dispatch")) {
                List<String> order = new ArrayList<>();
                d.path("search_order").forEach(n -> order.add(n.asText()));
                out.put(d.path("macro_namespace").asText(), order);
            }
        } catch (IOException e) {
            // unreadable YAML is the loader's problem, reported with its line there
        }
        return out;
    }

    /**
     * Calls such as {@code dbt_utils.star(...)} or {@code modules.pytz.timezone(...)} on a name that nothing defines:
     * Jinjava would render them as nothing, dbt fails ("'dbt_utils' is undefined"). Each one is a problem with its
     * line and column. Names the file sets ({@code set}, {@code for}, macro arguments) are left to the render.
     */
    static List<ProjectProblem> undefinedCalls(String file, String text, MacroRegistry macros, String projectName) {
        List<ProjectProblem> out = new ArrayList<>();
        if (text.indexOf('.') < 0) {
            return out;
        }
        Set<String> assigned = new HashSet<>();
        Matcher code = CODE.matcher(text);
        List<int[]> blocks = new ArrayList<>();
        while (code.find()) {
            int group = code.group(1) != null ? 1 : 2;
            blocks.add(new int[]{code.start(group), code.end(group)});
            String body = STRING.matcher(code.group(group)).replaceAll("''");
            Matcher a = ASSIGNED.matcher(body);
            while (a.find()) {
                for (String n : a.group(1).split("\\s*,\\s*")) {
                    assigned.add(n.strip());
                }
            }
            Matcher sig = SIGNATURE.matcher(body);
            while (sig.find()) {
                for (String arg : sig.group(1).split(",")) {
                    String n = arg.split("=")[0].strip();
                    if (!n.isEmpty()) {
                        assigned.add(n);
                    }
                }
            }
        }
        for (int[] block : blocks) {
            String body = blank(text.substring(block[0], block[1]));
            Matcher call = CALL.matcher(body);
            while (call.find()) {
                String root = call.group(1);
                String member = call.group(2).substring(1).split("\\.")[0];
                String problem = null;
                if (root.equals("modules") && !DbtGlobals.MODULES.contains(member)) {
                    problem = "modules." + member + " is not available (Strata has modules."
                            + String.join(", modules.", DbtGlobals.MODULES) + ")";
                } else if (!GLOBALS.contains(root) && !assigned.contains(root) && macros.packageMacros(root) == null
                        && !root.equals(projectName)) {
                    problem = "'" + root + "' is undefined, so " + root + call.group(2) + "(...) cannot be called: is"
                            + " it a package? Vendor it (dbt deps) into " + PACKAGES + root + "/ in the project you"
                            + " push";
                }
                if (problem != null) {
                    int at = block[0] + call.start(1);
                    int line = 1 + (int) text.substring(0, at).chars().filter(ch -> ch == '\n').count();
                    int column = at - text.lastIndexOf('\n', at - 1);
                    out.add(new ProjectProblem(file, line, "column " + column + ": " + problem));
                }
            }
        }
        return out;
    }

    /** The text with its string literals blanked (same length), so that calls inside strings are not seen. */
    private static String blank(String code) {
        Matcher m = STRING.matcher(code);
        StringBuilder out = new StringBuilder(code);
        while (m.find()) {
            for (int i = m.start() + 1; i < m.end() - 1; i++) {
                out.setCharAt(i, ' ');
            }
        }
        return out.toString();
    }
}
