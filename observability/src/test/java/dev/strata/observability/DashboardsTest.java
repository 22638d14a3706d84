package dev.strata.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Grafana dashboards of observability/dashboards: the three the issue names, well-formed for Grafana's
 * provisioning (unique uid, panels with a Prometheus query on the dashboard's data source variable, no overlapping
 * panels), every query valid PromQL (promtool parses each one, with Grafana's variables filled in) and reading only
 * catalogued metrics.
 */
class DashboardsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Grafana's variables as Grafana would fill them before sending a query to Prometheus. */
    private static final Map<String, String> VARIABLES = Map.of("$__rate_interval", "1m", "$__range", "6h",
            "$__interval", "30s", "$service", "gateway|auth", "$pipeline", ".*", "$dataset", ".*");

    private static final Map<String, JsonNode> DASHBOARDS = new LinkedHashMap<>();

    @BeforeAll
    static void read() throws IOException {
        for (Path file : Observability.files("dashboards", ".json")) {
            DASHBOARDS.put(file.getFileName().toString(), JSON.readTree(file.toFile()));
        }
    }

    @Test
    void theThreeDashboardsExistWithUniqueUids() {
        Map<String, String> uids = new TreeMap<>();
        DASHBOARDS.forEach((file, dashboard) -> uids.put(dashboard.path("uid").asText(), file));
        assertEquals(Set.of("strata-platform", "strata-pipelines", "strata-data"), uids.keySet());
        for (JsonNode dashboard : DASHBOARDS.values()) {
            assertTrue(dashboard.path("title").asText().startsWith("Strata / "), dashboard.path("title").asText());
            assertTrue(dashboard.path("uid").asText().length() <= 40, "Grafana uids have at most 40 characters");
            assertTrue(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull(),
                    "no instance-specific id in " + dashboard.path("uid"));
        }
    }

    @Test
    void everyPanelQueriesPrometheusThroughTheDataSourceVariableWithoutOverlapping() {
        for (Map.Entry<String, JsonNode> entry : DASHBOARDS.entrySet()) {
            JsonNode dashboard = entry.getValue();
            Set<String> variables = new TreeSet<>();
            dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            assertTrue(variables.contains("datasource"), entry.getKey() + " has no datasource variable");
            Set<Integer> ids = new TreeSet<>();
            List<int[]> boxes = new ArrayList<>();
            for (JsonNode panel : dashboard.path("panels")) {
                String where = entry.getKey() + " panel '" + panel.path("title").asText() + "'";
                assertTrue(ids.add(panel.path("id").asInt()), where + ": id used twice");
                JsonNode grid = panel.path("gridPos");
                int[] box = {grid.path("x").asInt(), grid.path("y").asInt(), grid.path("w").asInt(),
                        grid.path("h").asInt()};
                assertTrue(box[2] > 0 && box[3] > 0 && box[0] + box[2] <= 24, where + ": gridPos " + grid);
                for (int[] other : boxes) {
                    boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
                            && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
                    assertFalse(overlap, where + " overlaps another panel");
                }
                boxes.add(box);
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                assertFalse(panel.path("description").asText().isBlank(), where + ": no description");
                assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), where);
                assertFalse(panel.path("targets").isEmpty(), where + ": no query");
                for (JsonNode target : panel.path("targets")) {
                    assertFalse(target.path("expr").asText().isBlank(), where + ": empty query");
                    assertEquals("${datasource}", target.path("datasource").path("uid").asText(), where);
                }
            }
        }
    }

    /**
     * promtool parses PromQL only inside rule files: every panel query becomes a recording rule of a generated rule
     * file, which {@code promtool check rules} must accept.
     */
    @Test
    void everyQueryIsValidPromQl() throws IOException {
        ObjectNode rules = JSON.createObjectNode();
        ArrayNode groups = rules.putArray("groups");
        int count = 0;
        for (Map.Entry<String, JsonNode> entry : DASHBOARDS.entrySet()) {
            ObjectNode group = groups.addObject().put("name", entry.getValue().path("uid").asText());
            ArrayNode list = group.putArray("rules");
            for (JsonNode panel : entry.getValue().path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    list.addObject()
                            .put("record", "dashboard:" + entry.getValue().path("uid").asText().replace('-', '_')
                                    + "_panel" + panel.path("id").asInt() + ":"
                                    + target.path("refId").asText().toLowerCase(java.util.Locale.ROOT))
                            .put("expr", fill(target.path("expr").asText()));
                    count++;
                }
            }
        }
        Files.createDirectories(Observability.WORK);
        Path file = Observability.WORK.resolve("dashboard-queries.rules.yaml");
        new YAMLMapper().writeValue(file.toFile(), rules);

        Promtool.Result check = Promtool.run(Observability.WORK, "check", "rules", "--lint-fatal", file.toString());
        assertTrue(check.succeeded(), check.toString());
        assertTrue(check.output().contains("SUCCESS: " + count + " rules found"), check.toString());
    }

    @Test
    void queriesReadOnlyCataloguedMetrics() {
        Set<String> catalogue = Observability.catalogue();
        Map<String, List<String>> unknown = new TreeMap<>();
        Set<String> used = new TreeSet<>();
        DASHBOARDS.forEach((file, dashboard) -> {
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    for (String metric : PromQl.metricNames(fill(target.path("expr").asText()))) {
                        String name = PromQl.catalogueName(metric, catalogue);
                        if (name == null) {
                            unknown.computeIfAbsent(metric, m -> new ArrayList<>())
                                    .add(file + " '" + panel.path("title").asText() + "'");
                        } else {
                            used.add(name);
                        }
                    }
                }
            }
        });
        assertEquals(Map.of(), unknown, "metrics not in observability/README.md's catalogue");
        assertTrue(used.containsAll(Set.of("up", "http_server_requests_seconds", "jvm_memory_used_bytes",
                "strata_scheduler_runs_total", "strata_ingest_loaded_rows_total",
                "strata_transform_test_failures_total",
                "kafka_consumer_fetch_manager_records_lag_max")), "dashboards read " + used);
    }

    private static String fill(String expr) {
        String filled = expr;
        for (Map.Entry<String, String> variable : VARIABLES.entrySet()) {
            filled = filled.replace(variable.getKey(), variable.getValue());
        }
        assertFalse(filled.contains("$"), "a Grafana variable without a test value in: " + expr);
        return filled;
    }
}
