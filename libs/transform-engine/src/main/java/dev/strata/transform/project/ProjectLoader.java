package dev.strata.transform.project;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a dbt-style project: {@code dbt_project.yml}, models, schema.yml files (sources, model docs, tests), seeds,
 * singular tests and macros. Problems are collected with their file and line and thrown together.
 */
public final class ProjectLoader {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DOCS = Pattern.compile(
            "\\{%-?\\s*docs\\s+(\\w+)\\s*-?%}(.*?)\\{%-?\\s*enddocs\\s*-?%}",
            Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NON_WORD = Pattern.compile("\\W");
    private static final Pattern SNAPSHOT = Pattern.compile(
            "\\{%-?\\s*snapshot\\s+(\\w+)\\s*-?%}(.*?)\\{%-?\\s*endsnapshot\\s*-?%}", Pattern.DOTALL);

    /** dbt resources Strata does not run yet: refused at push rather than dropped. */
    private static final List<String> UNSUPPORTED_SCHEMA_KEYS = List.of("semantic_models", "metrics",
            "saved_queries");
    private static final com.fasterxml.jackson.dataformat.csv.CsvMapper CSV = new com.fasterxml.jackson.dataformat.csv.CsvMapper();
    private static final Pattern UNIT_INPUT = Pattern.compile(
            "^\\s*(?:ref\\(\\s*['\"]\\w+['\"]\\s*\\)|source\\(\\s*['\"]\\w+['\"]\\s*,\\s*['\"]\\w+['\"]\\s*\\)|this)\\s*$");
    private static final List<String> RUN_HOOK_KEYS = List.of("on-run-start", "on-run-end");
    private static final int MAX_RUN_HOOKS = 100;

    private final List<ProjectProblem> problems = new ArrayList<>();
    private final java.util.Set<String> testIds = new java.util.HashSet<>();

    private ProjectLoader() {
    }

    public static Project load(ProjectFiles files) {
        ProjectLoader loader = new ProjectLoader();
        Project project = loader.read(files);
        if (!loader.problems.isEmpty()) {
            throw new ProjectException(loader.problems);
        }
        return project;
    }

    private Project read(ProjectFiles files) {
        String projectYml = files.get("dbt_project.yml");
        if (projectYml == null) {
            throw new ProjectException(new ProjectProblem("dbt_project.yml", 0,
                    "the project has no dbt_project.yml at its top (or in its one top folder)"));
        }
        JsonNode root = yaml("dbt_project.yml", projectYml);
        if (root == null) {
            throw new ProjectException(problems);
        }
        String name = root.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            throw new ProjectException(new ProjectProblem("dbt_project.yml", 0,
                    "'name' must be a word of letters, digits and underscores, got '" + name + "'"));
        }
        List<String> modelPaths = paths(root, "model-paths", "source-paths", "models");
        List<String> seedPaths = paths(root, "seed-paths", "data-paths", "seeds");
        List<String> testPaths = paths(root, "test-paths", null, "tests");
        List<String> macroPaths = paths(root, "macro-paths", null, "macros");
        List<String> snapshotPaths = paths(root, "snapshot-paths", null, "snapshots");
        Map<String, Object> vars = toMap(root.path("vars"));

        Map<String, Model> models = new LinkedHashMap<>();
        Map<String, Seed> seeds = new LinkedHashMap<>();
        Map<String, SourceTable> sources = new LinkedHashMap<>();
        List<DataTest> tests = new ArrayList<>();
        List<UnitTest> unitTests = new ArrayList<>();
        Map<String, String> macros = new LinkedHashMap<>();
        Map<String, String> docs = new LinkedHashMap<>();
        List<Map.Entry<String, JsonNode>> schemaFiles = new ArrayList<>();
        Map<String, Map<String, Object>> folderConfigs = new java.util.HashMap<>();

        JsonNode modelsConfig = root.path("models").path(name);
        JsonNode seedsConfig = root.path("seeds").path(name);
        JsonNode snapshotsConfig = root.path("snapshots").path(name);
        JsonNode testsConfig = root.path("tests").isMissingNode() ? root.path("data_tests") : root.path("tests");

        for (String key : RUN_HOOK_KEYS) {
            JsonNode hooks = root.path(key);
            boolean strings = hooks.isMissingNode() || hooks.isNull() || hooks.isTextual();
            if (hooks.isArray()) {
                strings = true;
                for (JsonNode h : hooks) {
                    strings &= h.isTextual();
                }
                if (hooks.size() > MAX_RUN_HOOKS) {
                    problems.add(new ProjectProblem("dbt_project.yml", lineOf(projectYml, key + ":"), "'" + key
                            + "' has " + hooks.size() + " hooks; Strata runs at most " + MAX_RUN_HOOKS));
                }
            }
            if (!strings) {
                problems.add(new ProjectProblem("dbt_project.yml", lineOf(projectYml, key + ":"), "'" + key
                        + "' is a SQL statement or a list of them (strings)"));
            }
        }
        for (Map.Entry<String, String> file : files.all().entrySet()) {
            String path = file.getKey();
            String text = file.getValue();
            if (path.startsWith("dbt_packages/")) {
                // a vendored package: its macros (and generic tests, which are macros) only
                String[] parts = path.split("/");
                String lowerPath = path.toLowerCase(Locale.ROOT);
                if (parts.length > 3 && parts[2].equals("macros") && lowerPath.endsWith(".sql")) {
                    macros.put(path, text);
                }
                continue;
            }
            String modelRoot = under(path, modelPaths);
            String lower = path.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".md") || (modelRoot != null && lower.endsWith(".md"))) {
                Matcher m = DOCS.matcher(text);
                while (m.find()) {
                    docs.put(m.group(1), m.group(2).strip());
                }
                continue;
            }
            if (modelRoot != null && lower.endsWith(".sql")) {
                String rel = path.substring(modelRoot.length() + 1);
                String folder = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
                String modelName = baseName(path);
                if (!NAME.matcher(modelName).matches()) {
                    problems.add(new ProjectProblem(path, 0, "a model's file name must be a word of letters, digits"
                            + " and underscores"));
                    continue;
                }
                Model previous = models.get(modelName);
                if (previous != null) {
                    problems.add(new ProjectProblem(path, 0, "a model named '" + modelName + "' already exists in "
                            + previous.file() + "; model names must be unique"));
                    continue;
                }
                models.put(modelName, new Model(modelName, path, folder, text, new LinkedHashMap<>(folderConfigs
                        .computeIfAbsent(folder, f -> folderConfig(modelsConfig, f))), null, List.of()));
            } else if (modelRoot != null && (lower.endsWith(".yml") || lower.endsWith(".yaml"))) {
                JsonNode schema = yaml(path, text);
                if (schema != null) {
                    schemaFiles.add(Map.entry(path, schema));
                }
            } else if (under(path, seedPaths) != null && lower.endsWith(".csv")) {
                String seedRoot = under(path, seedPaths);
                String rel = path.substring(seedRoot.length() + 1);
                String folder = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
                seeds.put(baseName(path), new Seed(baseName(path), path, text, folderConfig(seedsConfig, folder)));
            } else if (under(path, snapshotPaths) != null && lower.endsWith(".sql")) {
                String rel = path.substring(under(path, snapshotPaths).length() + 1);
                readSnapshots(path, text, folderConfig(snapshotsConfig, rel.contains("/")
                        ? rel.substring(0, rel.lastIndexOf('/'))
                        : ""), models);
            } else if (under(path, macroPaths) != null && lower.endsWith(".sql")) {
                macros.put(path, text);
            } else if (under(path, testPaths) != null && lower.endsWith(".sql")) {
                String testRoot = under(path, testPaths);
                String rel = path.substring(testRoot.length() + 1);
                if (rel.startsWith("generic/")) {
                    macros.put(path, text); // {% test %} blocks: custom generic tests
                } else {
                    Map<String, Object> cfg = folderConfig(testsConfig.path(name), "");
                    tests.add(new DataTest(baseName(path), "singular", null, false, null, Map.of(),
                            String.valueOf(cfg.getOrDefault("severity", "error")).toLowerCase(Locale.ROOT), path, 1,
                            text));
                }
            }
        }
        for (Map.Entry<String, JsonNode> schemaFile : schemaFiles) {
            readSchemaFile(schemaFile.getKey(), files.all().get(schemaFile.getKey()), schemaFile.getValue(), models,
                    sources, tests);
        }
        for (Map.Entry<String, JsonNode> schemaFile : schemaFiles) {
            for (JsonNode unit : schemaFile.getValue().path("unit_tests")) {
                UnitTest t = unitTest(schemaFile.getKey(), files.all().get(schemaFile.getKey()), unit, models, files
                        .all(), testPaths);
                if (t != null) {
                    if (unitTests.stream().anyMatch(u -> u.name().equals(t.name()))) {
                        problems.add(new ProjectProblem(t.file(), t.line(), "a unit test named '" + t.name()
                                + "' already exists; unit test names must be unique"));
                    } else {
                        unitTests.add(t);
                    }
                }
            }
        }
        return new Project(name, vars, models, seeds, sources, tests, macros, docs, files.all(), unitTests);
    }

    /**
     * The {@code {% snapshot name %} ... {% endsnapshot %}} blocks of a file: each one becomes a node materialized as
     * {@code snapshot} (SCD type 2), its body padded so that Jinja reports lines of the file.
     */
    private void readSnapshots(String path, String text, Map<String, Object> folderConfig, Map<String, Model> models) {
        Matcher m = SNAPSHOT.matcher(text);
        boolean any = false;
        while (m.find()) {
            any = true;
            String name = m.group(1);
            int line = 1 + (int) text.substring(0, m.start(2)).chars().filter(ch -> ch == '\n').count();
            Model previous = models.get(name);
            if (previous != null) {
                problems.add(new ProjectProblem(path, line, "a model or snapshot named '" + name + "' already exists"
                        + " in " + previous.file() + "; names must be unique"));
                continue;
            }
            Map<String, Object> config = new LinkedHashMap<>(folderConfig);
            config.put("materialized", "snapshot");
            models.put(name, new Model(name, path, "", "\n".repeat(line - 1) + m.group(2), config, null,
                    List.of()));
        }
        if (!any) {
            problems.add(new ProjectProblem(path, 1, "a file under the snapshot paths holds no {% snapshot <name> %}"
                    + " ... {% endsnapshot %} block"));
        }
    }

    private void readSchemaFile(String path, String text, JsonNode schema, Map<String, Model> models,
            Map<String, SourceTable> sources, List<DataTest> tests) {
        for (String key : UNSUPPORTED_SCHEMA_KEYS) {
            if (schema.has(key)) {
                problems.add(new ProjectProblem(path, lineOf(text, key + ":"), "'" + key + ":' is not supported by"
                        + " Strata yet; remove it from the project you push (it would not run)"));
            }
        }
        for (JsonNode source : schema.path("sources")) {
            String sourceName = source.path("name").asText(null);
            if (sourceName == null) {
                problems.add(new ProjectProblem(path, 0, "a source has no 'name'"));
                continue;
            }
            String schemaName = source.path("schema").asText(sourceName);
            // a name inside the build's namespace (raw → <ns>__raw): checked here, where its line is known
            var schemaProblem = dev.strata.warehouse.Namespaces.schemaProblem(schemaName.toLowerCase(Locale.ROOT));
            if (schemaProblem.isPresent()) {
                problems.add(new ProjectProblem(path, lineOf(text, schemaName), "source '" + sourceName + "': "
                        + schemaProblem.get() + "; it names a schema inside the namespace, e.g. 'raw'"));
            }
            String loadedAt = source.path("loaded_at_field").asText(null);
            JsonNode freshness = source.path("freshness");
            for (JsonNode table : source.path("tables")) {
                String tableName = table.path("name").asText(null);
                if (tableName == null) {
                    problems.add(new ProjectProblem(path, 0, "a table of source '" + sourceName + "' has no 'name'"));
                    continue;
                }
                JsonNode tableFreshness = table.has("freshness") ? table.path("freshness") : freshness;
                SourceTable st = new SourceTable(sourceName, tableName, schemaName,
                        table.path("identifier").asText(tableName), table.path("loaded_at_field").asText(loadedAt),
                        seconds(path, tableFreshness.path("warn_after")),
                        seconds(path, tableFreshness.path("error_after")), path);
                sources.put(st.key(), st);
                for (JsonNode column : table.path("columns")) {
                    addTests(path, st.key(), true, column.path("name").asText(null), column, tests);
                }
                addTests(path, st.key(), true, null, table, tests);
            }
        }
        for (JsonNode modelNode : schema.path("models")) {
            String modelName = modelNode.path("name").asText(null);
            Model model = models.get(modelName);
            if (model == null) {
                problems.add(new ProjectProblem(path, 0, "schema.yml describes model '" + modelName
                        + "' but there is no models/**/" + modelName + ".sql"));
                continue;
            }
            Map<String, Object> config = new LinkedHashMap<>(model.config());
            mergeConfig(config, toMap(modelNode.path("config")));
            List<Model.ColumnDoc> columns = new ArrayList<>();
            List<Constraint> constraints = new ArrayList<>();
            int modelAt = Math.max(0, text.indexOf("name: " + modelName));
            for (JsonNode column : modelNode.path("columns")) {
                String columnName = column.path("name").asText(null);
                columns.add(new Model.ColumnDoc(columnName, column.path("description").asText(null), column.path(
                        "data_type").asText(null)));
                addTests(path, modelName, false, columnName, column, tests);
                int columnAt = text.indexOf(columnName == null ? "columns:" : "name: " + columnName, modelAt);
                constraints(path, text, modelName, columnName, column.path("constraints"), columnAt < 0
                        ? modelAt
                        : columnAt, constraints);
            }
            addTests(path, modelName, false, null, modelNode, tests);
            int modelLevel = text.indexOf("constraints:", modelAt);
            while (modelLevel >= 0 && modelNode.has("constraints") && isColumnLevel(text, modelLevel)) {
                modelLevel = text.indexOf("constraints:", modelLevel + 1);
            }
            constraints(path, text, modelName, null, modelNode.path("constraints"), modelLevel < 0
                    ? modelAt
                    : modelLevel, constraints);
            models.put(modelName, new Model(model.name(), model.file(), model.folder(), model.sql(), config,
                    modelNode.path("description").asText(null), columns, List.copyOf(constraints)));
        }
    }

    private static final java.util.Set<String> CONSTRAINT_TYPES = java.util.Set.of("not_null", "unique",
            "primary_key", "check", "foreign_key", "custom");
    private static final java.util.Set<String> CONSTRAINT_KEYS = java.util.Set.of("type", "name", "expression",
            "columns", "to", "to_columns", "warn_unenforced", "warn_unsupported");

    /** Whether the {@code constraints:} at {@code at} is indented deeper than its model's {@code columns:} entries. */
    private static boolean isColumnLevel(String text, int at) {
        int lineStart = text.lastIndexOf('\n', at) + 1;
        int indent = at - lineStart;
        int columns = text.lastIndexOf("columns:", at);
        if (columns < 0) {
            return false;
        }
        int columnsIndent = columns - (text.lastIndexOf('\n', columns) + 1);
        return indent > columnsIndent;
    }

    /**
     * dbt's model contract constraints (docs.getdbt.com/reference/resource-properties/constraints) of a model
     * ({@code column} null) or of one of its columns, each at the line of its {@code type:} after {@code from}.
     */
    private void constraints(String path, String text, String model, String column, JsonNode list, int from,
            List<Constraint> out) {
        if (list.isMissingNode() || list.isNull()) {
            return;
        }
        String where = "model " + model + (column == null ? "" : ", column " + column);
        if (!list.isArray()) {
            problems.add(new ProjectProblem(path, lineOf(text, "constraints:"), where + ": constraints must be a list"
                    + " of {type: ...}"));
            return;
        }
        int cursor = from;
        for (JsonNode c : list) {
            int typeAt = text.indexOf("type:", cursor);
            while (typeAt > 0
                    && (Character.isLetterOrDigit(text.charAt(typeAt - 1)) || text.charAt(typeAt - 1) == '_')) {
                typeAt = text.indexOf("type:", typeAt + 1); // data_type: is not a constraint's type
            }
            cursor = typeAt < 0 ? cursor : typeAt + 1;
            int line = typeAt < 0 ? 0 : 1 + (int) text.substring(0, typeAt).chars().filter(ch -> ch == '\n').count();
            String type = c.path("type").asText("").strip().toLowerCase(Locale.ROOT);
            if (!CONSTRAINT_TYPES.contains(type)) {
                problems.add(new ProjectProblem(path, line, where + ": constraint type '" + c.path("type").asText("")
                        + "' is not one of not_null, unique, primary_key, check, foreign_key, custom"));
                continue;
            }
            java.util.List<String> unknown = new ArrayList<>();
            c.fieldNames().forEachRemaining(k -> {
                if (!CONSTRAINT_KEYS.contains(k)) {
                    unknown.add(k);
                }
            });
            if (!unknown.isEmpty()) {
                problems.add(new ProjectProblem(path, line, where + ": a " + type + " constraint has no '"
                        + unknown.get(0) + "' (it has type, name, expression, columns, to, to_columns,"
                        + " warn_unenforced, warn_unsupported)"));
                continue;
            }
            String expression = c.path("expression").asText(null);
            String to = c.path("to").asText(null);
            List<String> toColumns = new ArrayList<>();
            c.path("to_columns").forEach(n -> toColumns.add(n.asText()));
            List<String> columns = new ArrayList<>();
            if (column != null) {
                columns.add(column);
            } else {
                c.path("columns").forEach(n -> columns.add(n.asText()));
            }
            String problem = null;
            if ((type.equals("check") || type.equals("custom")) && (expression == null || expression.isBlank())) {
                problem = "a " + type + " constraint needs an 'expression'";
            } else if (type.equals("foreign_key") && (to == null || toColumns.isEmpty()) && (expression == null
                    || expression.isBlank())) {
                problem = "a foreign_key constraint needs 'to: ref(...)' with 'to_columns: [...]', or an"
                        + " 'expression' such as \"other_table (id)\"";
            } else if (column == null && type.equals("not_null")) {
                problem = "not_null is a column constraint: write it under the column's 'constraints:'";
            } else if (column == null && !type.equals("check") && !type.equals("custom") && columns.isEmpty()) {
                problem = "a model-level " + type + " constraint needs 'columns: [...]'";
            }
            if (problem != null) {
                problems.add(new ProjectProblem(path, line, where + ": " + problem));
                continue;
            }
            out.add(new Constraint(type, column, List.copyOf(columns), c.path("name").asText(null), expression, to,
                    List.copyOf(toColumns), c.path("warn_unsupported").asBoolean(true), path, line));
        }
    }

    /**
     * A dbt 1.8 unit test: {@code name}, {@code model}, {@code given} (each {@code input} with {@code rows} as a list
     * of dicts, or {@code format: csv} with {@code rows} as csv text or {@code fixture}: a csv file under the test
     * paths' {@code fixtures/}), {@code expect} (the same), {@code overrides} ({@code vars}, {@code macros},
     * {@code env_vars}). What Strata does not run ({@code format: sql}) is a problem at its line.
     */
    private UnitTest unitTest(String path, String text, JsonNode node, Map<String, Model> models,
            Map<String, String> files, List<String> testPaths) {
        String name = node.path("name").asText(null);
        int line = name == null ? lineOf(text, "unit_tests:") : lineOf(text, "name: " + name);
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add(new ProjectProblem(path, line, "a unit test needs a 'name' of letters, digits and"
                    + " underscores"));
            return null;
        }
        String model = node.path("model").asText(null);
        if (model == null || !models.containsKey(model)) {
            problems.add(new ProjectProblem(path, line, "unit test " + name + ": 'model: " + model + "' names no"
                    + " model of this project"));
            return null;
        }
        for (String key : List.of("versions")) {
            if (node.has(key)) {
                problems.add(new ProjectProblem(path, line, "unit test " + name + ": '" + key + "' is not supported"
                        + " by Strata yet (models have no versions here)"));
            }
        }
        if (!node.path("expect").isObject()) {
            problems.add(new ProjectProblem(path, line, "unit test " + name + " needs 'expect: {rows: ...}'"));
            return null;
        }
        List<UnitTest.Given> given = new ArrayList<>();
        for (JsonNode g : node.path("given")) {
            String input = g.path("input").asText(null);
            if (input == null || !UNIT_INPUT.matcher(input).matches()) {
                problems.add(new ProjectProblem(path, lineOf(text, input == null ? name : input), "unit test " + name
                        + ": 'input: " + input + "' must be ref('<model>'), source('<source>', '<table>') or this"));
                continue;
            }
            List<Map<String, Object>> rows = unitRows(path, text, name, "input " + input, g, files, testPaths);
            if (rows != null) {
                given.add(new UnitTest.Given(input.strip(), rows));
            }
        }
        List<Map<String, Object>> expect = unitRows(path, text, name, "expect", node.path("expect"), files,
                testPaths);
        JsonNode overrides = node.path("overrides");
        if (expect == null) {
            return null;
        }
        return new UnitTest(name, model, given, expect, toMap(overrides.path("vars")), toMap(overrides.path(
                "macros")), toMap(overrides.path("env_vars")), path, line);
    }

    private List<Map<String, Object>> unitRows(String path, String text, String test, String what, JsonNode node,
            Map<String, String> files, List<String> testPaths) {
        String format = node.path("format").asText("dict").toLowerCase(Locale.ROOT);
        int line = lineOf(text, "name: " + test);
        if (format.equals("sql")) {
            problems.add(new ProjectProblem(path, lineOf(text, "format: sql") == 0
                    ? line
                    : lineOf(text,
                            "format: sql"),
                    "unit test " + test + ", " + what + ": 'format: sql' is not supported by Strata"
                            + " yet; give the rows as dict or csv"));
            return null;
        }
        if (format.equals("dict")) {
            if (node.has("fixture")) {
                problems.add(new ProjectProblem(path, line, "unit test " + test + ", " + what + ": a fixture file"
                        + " needs 'format: csv'"));
                return null;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode row : node.path("rows")) {
                if (!row.isObject()) {
                    problems.add(new ProjectProblem(path, line, "unit test " + test + ", " + what + ": each row is a"
                            + " dict such as {id: 1, name: gerda}"));
                    return null;
                }
                rows.add(toMap(row));
            }
            return rows;
        }
        if (!format.equals("csv")) {
            problems.add(new ProjectProblem(path, line, "unit test " + test + ", " + what + ": format must be dict,"
                    + " csv or sql, got '" + format + "'"));
            return null;
        }
        String csv;
        String csvFile = path;
        if (node.has("fixture")) {
            String fixture = node.path("fixture").asText();
            csv = null;
            for (String root : testPaths) {
                csvFile = root + "/fixtures/" + fixture + ".csv";
                csv = files.get(csvFile);
                if (csv != null) {
                    break;
                }
            }
            if (csv == null) {
                problems.add(new ProjectProblem(path, lineOf(text, fixture), "unit test " + test + ", " + what
                        + ": fixture '" + fixture + "' is not a file " + testPaths.get(0) + "/fixtures/" + fixture
                        + ".csv"));
                return null;
            }
        } else {
            csv = node.path("rows").asText("");
        }
        try (var it = CSV.readerFor(Map.class).with(com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema()
                .withHeader()).<Map<String, String>>readValues(csv)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (it.hasNext()) {
                Map<String, Object> row = new LinkedHashMap<>();
                // an empty cell is null, as in a seed
                it.next().forEach((k, v) -> row.put(k.strip(), v == null || v.isEmpty() ? null : v));
                rows.add(row);
            }
            return rows;
        } catch (java.io.IOException | RuntimeException e) {
            problems.add(new ProjectProblem(csvFile, line, "unit test " + test + ", " + what + ": the csv cannot be"
                    + " read: " + e.getMessage()));
            return null;
        }
    }

    /** The line of {@code text} where {@code needle} first appears, else 0. */
    private static int lineOf(String text, String needle) {
        int at = text == null || needle.isEmpty() ? -1 : text.indexOf(needle);
        return at < 0 ? 0 : 1 + (int) text.substring(0, at).chars().filter(ch -> ch == '\n').count();
    }

    private void addTests(String path, String target, boolean onSource, String column, JsonNode owner,
            List<DataTest> tests) {
        JsonNode list = owner.has("data_tests") ? owner.path("data_tests") : owner.path("tests");
        for (JsonNode test : list) {
            String kind;
            Map<String, Object> args = new LinkedHashMap<>();
            if (test.isTextual()) {
                kind = test.asText();
            } else if (test.isObject() && test.size() == 1) {
                kind = test.fieldNames().next();
                args.putAll(toMap(test.path(kind)));
            } else {
                problems.add(new ProjectProblem(path, 0, "a test on " + target + " is neither a name nor a map with"
                        + " one name"));
                continue;
            }
            if (kind.contains(".")) {
                kind = kind.substring(kind.lastIndexOf('.') + 1); // dbt_utils.x → x (a macro of the project)
            }
            Object config = args.remove("config");
            String severity = String.valueOf(args.containsKey("severity")
                    ? args.remove("severity")
                    : config instanceof Map<?, ?> m && m.get("severity") != null ? m.get("severity") : "error")
                    .toLowerCase(Locale.ROOT);
            if (!severity.equals("warn") && !severity.equals("error")) {
                problems.add(new ProjectProblem(path, 0, "severity of test " + kind + " on " + target
                        + " must be warn or error, got '" + severity + "'"));
                continue;
            }
            Object columnArg = args.remove("column_name");
            String col = column != null ? column : columnArg == null ? null : String.valueOf(columnArg);
            String id = NON_WORD.matcher(kind + "_" + target.replace('.', '_') + (col == null ? "" : "_" + col))
                    .replaceAll("_");
            String unique = id;
            for (int i = 2; !testIds.add(unique); i++) {
                unique = id + "_" + i;
            }
            tests.add(new DataTest(unique, kind, target, onSource, col, args, severity, path, 0, null));
        }
    }

    private long seconds(String path, JsonNode after) {
        if (after.isMissingNode() || after.isNull()) {
            return 0;
        }
        long count = after.path("count").asLong(0);
        String period = after.path("period").asText("hour");
        long unit = switch (period) {
            case "minute" -> 60;
            case "hour" -> 3600;
            case "day" -> 86400;
            default -> {
                problems.add(new ProjectProblem(path, 0, "freshness period must be minute, hour or day, got '"
                        + period + "'"));
                yield 0;
            }
        };
        return count * unit;
    }

    /** The configuration dbt_project.yml gives a folder: '+key' (or plain non-map) values, deeper ones winning. */
    static Map<String, Object> folderConfig(JsonNode tree, String folder) {
        Map<String, Object> config = new LinkedHashMap<>();
        JsonNode node = tree;
        applyLevel(config, node);
        if (!folder.isEmpty()) {
            for (String part : folder.split("/")) {
                node = node.path(part);
                if (node.isMissingNode()) {
                    break;
                }
                applyLevel(config, node);
            }
        }
        return config;
    }

    private static void applyLevel(Map<String, Object> config, JsonNode level) {
        if (!level.isObject()) {
            return;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        level.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("+")) {
                values.put(e.getKey().substring(1), plain(e.getValue()));
            } else if (!e.getValue().isObject()) {
                values.put(e.getKey(), plain(e.getValue()));
            }
        });
        mergeConfig(config, values);
    }

    /**
     * Later values win, except tags, which add up, and a {@code grants} privilege written {@code +select}, whose
     * grantees are added to the ones given before (dbt: docs.getdbt.com/reference/resource-configs/grants).
     */
    public static void mergeConfig(Map<String, Object> config, Map<String, Object> more) {
        for (Map.Entry<String, Object> e : more.entrySet()) {
            if (e.getKey().equals("grants") && e.getValue() instanceof Map<?, ?> add
                    && config.get("grants") instanceof Map<?, ?> before
                    && add.keySet().stream().anyMatch(k -> String.valueOf(k).startsWith("+"))) {
                Map<String, Object> grants = new LinkedHashMap<>();
                before.forEach((k, v) -> grants.put(String.valueOf(k), v));
                add.forEach((k, v) -> {
                    String key = String.valueOf(k);
                    if (key.startsWith("+")) {
                        List<Object> all = new ArrayList<>(asList(grants.get(key.substring(1))));
                        asList(v).stream().filter(g -> !all.contains(g)).forEach(all::add);
                        grants.put(key.substring(1), all);
                    } else {
                        grants.put(key, v);
                    }
                });
                config.put("grants", grants);
            } else if (e.getKey().equals("tags")) {
                List<String> tags = new ArrayList<>(tags(config.get("tags")));
                for (String t : tags(e.getValue())) {
                    if (!tags.contains(t)) {
                        tags.add(t);
                    }
                }
                config.put("tags", tags);
            } else {
                config.put(e.getKey(), e.getValue());
            }
        }
    }

    private static List<?> asList(Object value) {
        return value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
    }

    public static List<String> tags(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }

    private JsonNode yaml(String path, String text) {
        try {
            JsonNode node = YAML.readTree(text);
            return node == null ? JSON.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(new ProjectProblem(path, line, "this YAML cannot be read: " + e.getOriginalMessage()));
            return null;
        }
    }

    private static Map<String, Object> toMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return new LinkedHashMap<>();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain(node);
        return map;
    }

    /** A YAML value as plain Java (maps, lists, strings, numbers, booleans, null), as Jinja and configs use it. */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(n -> list.add(plain(n)));
            return list;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBinary()) {
            return node.asText();
        }
        return node.isPojo() ? ((com.fasterxml.jackson.databind.node.POJONode) node).getPojo() : node.asText();
    }

    private static List<String> paths(JsonNode root, String key, String legacyKey, String fallback) {
        JsonNode node = root.has(key) ? root.path(key) : legacyKey != null ? root.path(legacyKey) : root.path(key);
        List<String> list = new ArrayList<>();
        node.forEach(n -> list.add(n.asText().replaceAll("^\\./", "").replaceAll("/$", "")));
        return list.isEmpty() ? List.of(fallback) : list;
    }

    private static String under(String path, List<String> roots) {
        for (String root : roots) {
            if (path.startsWith(root + "/")) {
                return root;
            }
        }
        return null;
    }

    private static String baseName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.substring(0, file.lastIndexOf('.'));
    }
}
