package dev.strata.transform.build;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.CompiledTest;
import dev.strata.transform.compile.CompiledUnitTest;
import dev.strata.transform.project.Model;
import dev.strata.transform.project.SourceTable;
import dev.strata.transform.run.NodeResult;

/**
 * dbt's artifacts of a build, in dbt's schemas: {@code manifest.json} (v12: nodes, sources, unit tests, parent and
 * child maps) and {@code run_results.json} (v6: one result per model, seed, snapshot, test and unit test), with the
 * keys that tools reading dbt artifacts use (docs.getdbt.com/reference/artifacts/manifest-json and
 * /run-results-json). The build id is the {@code invocation_id}.
 */
public final class DbtArtifacts {

    public static final String MANIFEST = "manifest.json";
    public static final String RUN_RESULTS = "run_results.json";
    /** The dbt version whose artifacts these are (the reference of docs/dbt-compatibility.md). */
    static final String DBT_VERSION = "1.11.0";
    static final String DATABASE = "warehouse";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DbtArtifacts() {
    }

    /** Both artifacts, by file name. */
    public static Map<String, String> of(Build build, CompiledProject compiled, List<NodeResult> results,
            Instant generatedAt, long elapsedMs) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(MANIFEST, manifest(build, compiled, generatedAt).toString());
        out.put(RUN_RESULTS, runResults(build, compiled, results, generatedAt, elapsedMs).toString());
        return out;
    }

    private static ObjectNode metadata(String schema, Build build, Instant generatedAt) {
        ObjectNode m = JSON.createObjectNode();
        m.put("dbt_schema_version", schema);
        m.put("dbt_version", DBT_VERSION);
        m.put("generated_at", generatedAt.truncatedTo(ChronoUnit.MICROS).toString());
        m.put("invocation_id", build.id().toString());
        m.putObject("env");
        return m;
    }

    static ObjectNode manifest(Build build, CompiledProject compiled, Instant generatedAt) {
        String project = compiled.project().name();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode meta = metadata("https://schemas.getdbt.com/dbt/manifest/v12.json", build, generatedAt);
        meta.put("project_name", project);
        meta.put("adapter_type", "postgres");
        meta.put("send_anonymous_statistics", false);
        root.set("metadata", meta);
        ObjectNode nodes = root.putObject("nodes");
        ObjectNode sources = root.putObject("sources");
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        for (CompiledModel m : compiled.models().values()) {
            String id = uniqueId(project, m);
            ObjectNode n = node(nodes, id, resourceType(m), m.name(), project, m.file());
            Model written = compiled.project().models().get(m.name());
            n.put("database", DATABASE);
            n.put("schema", m.schema());
            n.put("alias", m.identifier());
            n.put("relation_name", m.ephemeral() ? null : relationName(m.schema(), m.identifier()));
            ArrayNode fqn = n.putArray("fqn").add(project);
            String folder = written == null ? "" : written.folder();
            if (!folder.isEmpty()) {
                for (String part : folder.split("/")) {
                    fqn.add(part);
                }
            }
            fqn.add(m.name());
            ObjectNode config = JSON.valueToTree(m.config());
            config.put("enabled", true);
            config.put("materialized", m.materialized());
            n.set("config", config);
            m.tags().forEach(n.putArray("tags")::add);
            n.put("description", written == null || written.description() == null ? "" : written.description());
            ObjectNode columns = n.putObject("columns");
            if (written != null) {
                for (Model.ColumnDoc col : written.columns()) {
                    ObjectNode c = columns.putObject(col.name());
                    c.put("name", col.name());
                    c.put("description", col.description() == null ? "" : col.description());
                    c.putObject("meta");
                    c.put("data_type", col.dataType());
                    c.putArray("tags");
                    ArrayNode constraints = c.putArray("constraints");
                    written.constraints().stream().filter(k -> java.util.Objects.equals(col.name(), k.column()))
                            .forEach(k -> constraints
                                    .add(constraint(k)));
                }
            }
            ArrayNode modelConstraints = n.putArray("constraints");
            if (written != null) {
                written.constraints().stream().filter(k -> k.column() == null).forEach(k -> modelConstraints.add(
                        constraint(k)));
            }
            n.set("meta", JSON.valueToTree(m.config().getOrDefault("meta", Map.of())));
            String raw = written != null ? written.sql() : "";
            n.put("raw_code", raw);
            n.put("language", "sql");
            n.putObject("checksum").put("name", "sha256").put("checksum", sha256(raw));
            n.put("compiled", m.sql() != null);
            if (m.sql() != null) {
                n.put("compiled_code", m.sql());
            }
            Set<String> deps = new LinkedHashSet<>();
            for (String ref : m.refs()) {
                CompiledModel parent = compiled.model(ref);
                if (parent != null) {
                    deps.add(uniqueId(project, parent));
                }
            }
            for (String source : m.sources()) {
                deps.add("source." + project + "." + source);
            }
            dependsOn(n, deps);
            parents.put(id, deps);
        }
        for (SourceTable t : compiled.project().sources().values()) {
            String id = "source." + project + "." + t.key();
            ObjectNode n = node(sources, id, "source", t.name(), project, t.file());
            n.put("source_name", t.source());
            n.put("database", DATABASE);
            n.put("schema", t.schema());
            n.put("identifier", t.identifier());
            n.put("relation_name", relationName(t.schema(), t.identifier()));
            n.put("loaded_at_field", t.loadedAtField());
            n.putArray("fqn").add(project).add(t.source()).add(t.name());
            n.putObject("config").put("enabled", true);
            parents.put(id, Set.of());
        }
        for (CompiledTest t : compiled.tests()) {
            String id = "test." + project + "." + t.test().id();
            ObjectNode n = node(nodes, id, "test", t.test().id(), project, t.test().file());
            n.put("database", DATABASE);
            n.put("schema", compiled.quarantineSchema());
            n.put("column_name", t.test().column());
            n.putArray("fqn").add(project).add(t.test().id());
            ObjectNode config = n.putObject("config");
            config.put("enabled", true);
            config.put("materialized", "test");
            config.put("severity", t.test().severity().toUpperCase(java.util.Locale.ROOT));
            if (!t.test().singular()) {
                ObjectNode metadata = n.putObject("test_metadata");
                metadata.put("name", t.test().kind());
                ObjectNode kwargs = JSON.valueToTree(t.test().args());
                if (t.test().column() != null) {
                    kwargs.put("column_name", t.test().column());
                }
                metadata.set("kwargs", kwargs);
            }
            if (t.attachedTo() != null && compiled.model(t.attachedTo()) != null) {
                n.put("attached_node", uniqueId(project, compiled.model(t.attachedTo())));
            }
            n.put("raw_code", t.test().sql() == null ? "" : t.test().sql());
            n.put("language", "sql");
            n.put("compiled", true);
            n.put("compiled_code", t.sql());
            Set<String> deps = new LinkedHashSet<>();
            for (String ref : t.refs()) {
                if (compiled.model(ref) != null) {
                    deps.add(uniqueId(project, compiled.model(ref)));
                }
            }
            if (t.test().onSource()) {
                deps.add("source." + project + "." + t.test().model());
            }
            dependsOn(n, deps);
            parents.put(id, deps);
        }
        ObjectNode unitTests = root.putObject("unit_tests");
        for (CompiledUnitTest u : compiled.unitTests()) {
            String id = "unit_test." + project + "." + u.model() + "." + u.name();
            ObjectNode n = node(unitTests, id, "unit_test", u.name(), project, u.test().file());
            n.put("model", u.model());
            n.putArray("fqn").add(project).add(u.model()).add(u.name());
            ArrayNode given = n.putArray("given");
            for (CompiledUnitTest.Input input : u.inputs()) {
                ObjectNode g = given.addObject();
                g.put("input", input.input());
                g.set("rows", JSON.valueToTree(input.rows()));
                g.put("format", "dict");
            }
            ObjectNode expect = n.putObject("expect");
            expect.set("rows", JSON.valueToTree(u.test().expect()));
            expect.put("format", "dict");
            ObjectNode overrides = n.putObject("overrides");
            overrides.set("vars", JSON.valueToTree(u.test().vars()));
            overrides.set("macros", JSON.valueToTree(u.test().macros()));
            overrides.set("env_vars", JSON.valueToTree(u.test().envVars()));
            Set<String> deps = Set.of(uniqueId(project, compiled.model(u.model())));
            dependsOn(n, deps);
            parents.put(id, deps);
        }
        for (String empty : List.of("macros", "docs", "exposures", "metrics", "groups", "selectors", "disabled",
                "semantic_models", "saved_queries", "group_map")) {
            root.putObject(empty);
        }
        ObjectNode parentMap = root.putObject("parent_map");
        ObjectNode childMap = root.putObject("child_map");
        Map<String, List<String>> children = new LinkedHashMap<>();
        parents.keySet().forEach(id -> children.put(id, new ArrayList<>()));
        parents.forEach((id, deps) -> {
            ArrayNode list = parentMap.putArray(id);
            deps.forEach(list::add);
            deps.forEach(d -> children.computeIfAbsent(d, k -> new ArrayList<>()).add(id));
        });
        children.forEach((id, list) -> {
            ArrayNode out = childMap.putArray(id);
            list.forEach(out::add);
        });
        return root;
    }

    static ObjectNode runResults(Build build, CompiledProject compiled, List<NodeResult> results, Instant generatedAt,
            long elapsedMs) {
        String project = compiled.project().name();
        ObjectNode root = JSON.createObjectNode();
        root.set("metadata", metadata("https://schemas.getdbt.com/dbt/run-results/v6.json", build, generatedAt));
        ArrayNode list = root.putArray("results");
        for (NodeResult r : results) {
            String id = switch (r.kind()) {
                case "model", "seed" -> compiled.model(r.node()) == null
                        ? null
                        : uniqueId(project, compiled.model(r.node()));
                case "test" -> "test." + project + "." + r.node();
                case "unit_test" -> "unit_test." + project + "." + r.dataset() + "." + r.node();
                default -> null; // freshness: dbt reports it in sources.json
            };
            if (id == null) {
                continue;
            }
            boolean test = r.kind().equals("test") || r.kind().equals("unit_test");
            ObjectNode n = list.addObject();
            n.put("status", r.status());
            Instant start = r.startedAt();
            Instant end = start.plusMillis(r.durationMs());
            ArrayNode timing = n.putArray("timing");
            timing.addObject().put("name", "compile").put("started_at", micros(start)).put("completed_at", micros(
                    start));
            timing.addObject().put("name", "execute").put("started_at", micros(start)).put("completed_at", micros(
                    end));
            n.put("thread_id", "Thread-1");
            n.put("execution_time", r.durationMs() / 1000.0);
            ObjectNode adapter = n.putObject("adapter_response");
            String message;
            if (test) {
                message = r.status().equals("fail") || r.status().equals("warn")
                        ? r.kind().equals("test")
                                ? "Got " + r.rows() + " result" + (r.rows() == 1 ? "" : "s")
                                        + ", configured to fail if != 0"
                                : r.error()
                        : r.status().equals("pass") ? null : r.error();
                if (r.status().equals("pass") || r.rows() != null) {
                    n.put("failures", r.rows() == null ? 0 : r.rows());
                } else {
                    n.putNull("failures");
                }
            } else {
                String code = r.materialized() != null && r.materialized().equals("view")
                        ? "CREATE VIEW"
                        : r.materialized() != null && r.materialized().equals("table") ? "SELECT" : "INSERT";
                if (r.status().equals("success")) {
                    long rows = r.rows() == null ? -1 : r.rows();
                    adapter.put("_message", code.equals("CREATE VIEW") ? code : code + " " + rows);
                    adapter.put("code", code);
                    adapter.put("rows_affected", rows);
                    message = adapter.get("_message").asText();
                } else {
                    message = r.error();
                }
                n.putNull("failures");
            }
            n.put("message", message);
            n.put("unique_id", id);
            n.put("compiled", r.sql() != null);
            n.put("compiled_code", r.sql());
            n.put("relation_name", r.relation() == null ? null : "\"" + DATABASE + "\"." + r.relation());
            n.putNull("batch_results");
        }
        root.put("elapsed_time", elapsedMs / 1000.0);
        ObjectNode args = root.putObject("args");
        args.put("which", "build");
        args.put("invocation_command", "strata build");
        args.putArray("select").add(build.selector() == null ? "" : build.selector());
        args.putArray("exclude").add(build.exclude() == null ? "" : build.exclude());
        args.set("vars", JSON.valueToTree(build.vars() == null ? Map.of() : build.vars()));
        args.put("full_refresh", build.fullRefresh());
        return root;
    }

    private static ObjectNode node(ObjectNode parent, String id, String type, String name, String project,
            String file) {
        ObjectNode n = parent.putObject(id);
        n.put("unique_id", id);
        n.put("resource_type", type);
        n.put("name", name);
        n.put("package_name", project);
        n.put("original_file_path", file);
        int slash = file == null ? -1 : file.indexOf('/');
        n.put("path", slash < 0 ? file : file.substring(slash + 1));
        return n;
    }

    private static void dependsOn(ObjectNode n, Set<String> nodes) {
        ObjectNode d = n.putObject("depends_on");
        d.putArray("macros");
        ArrayNode list = d.putArray("nodes");
        nodes.forEach(list::add);
    }

    static String uniqueId(String project, CompiledModel m) {
        return resourceType(m) + "." + project + "." + m.name();
    }

    private static String resourceType(CompiledModel m) {
        return m.kind().equals("seed") ? "seed" : m.materialized().equals("snapshot") ? "snapshot" : "model";
    }

    private static String relationName(String schema, String identifier) {
        return "\"" + DATABASE + "\".\"" + schema + "\".\"" + identifier + "\"";
    }

    private static String micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS).toString();
    }

    /** A contract constraint as dbt's manifest writes it (ColumnLevelConstraint / ModelLevelConstraint). */
    private static ObjectNode constraint(dev.strata.transform.project.Constraint k) {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", k.type());
        c.put("name", k.name());
        c.put("expression", k.expression());
        c.put("warn_unenforced", true);
        c.put("warn_unsupported", k.warnUnsupported());
        c.put("to", k.to());
        k.toColumns().forEach(c.putArray("to_columns")::add);
        if (k.column() == null) {
            k.columns().forEach(c.putArray("columns")::add);
        }
        return c;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
