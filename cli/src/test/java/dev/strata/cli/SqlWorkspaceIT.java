package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The SQL workspace (issue 20) in a real browser against {@code strata up}, as {@link WebUiIT} runs the golden path
 * (shared setup in {@link UiPlatform}; the walk is the gateway's {@code src/main/webui/e2e/sql-workspace.mjs}): an
 * analyst of {@code shop} writes a query with completion over shop's gold table, sees the rows, exports them, saves the
 * query, makes a chart and puts it on a dashboard; a second analyst of {@code shop} opens the dashboard's URL; an
 * analyst of {@code rivals} is told it is not there.
 */
@Tag("ui")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlWorkspaceIT {

    private static final String NS = "shop";
    private static final String OTHER = "rivals";
    private static final List<String> NEEDED = List.of("gateway", "auth", "registry", "scheduler");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private UiPlatform platform;

    @BeforeAll
    void startThePlatform() throws Exception {
        List<String> selected = Services.select(System.getenv("STRATA_SERVICES"));
        assumeTrue(selected.containsAll(NEEDED), "the SQL workspace test needs " + NEEDED);
        platform = UiPlatform.start(tmp, NEEDED, "sql-workspace-it-launcher.log");
    }

    @AfterAll
    void stopThePlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void anAnalystQueriesChartsAndSharesADashboard() throws Exception {
        platform.namespace(NS);
        platform.namespace(OTHER);
        String analyst = UiPlatform.password();
        String colleague = UiPlatform.password();
        String outsider = UiPlatform.password();
        platform.user("ana", analyst, NS, "analyst");
        platform.user("abe", colleague, NS, "analyst");
        platform.user("oli", outsider, OTHER, "analyst");
        platform.dataset(NS, "daily_sales", "gold", "[{\"name\":\"day\",\"type\":\"date\"},"
                + "{\"name\":\"region\",\"type\":\"text\"},{\"name\":\"revenue\",\"type\":\"numeric\"}]");
        loadDailySales();

        platform.walk("sql-workspace.mjs", Map.of("STRATA_NS", NS, "STRATA_OTHER_NS", OTHER,
                "STRATA_ANALYST", "ana", "STRATA_ANALYST_PASSWORD", analyst,
                "STRATA_ANALYST2", "abe", "STRATA_ANALYST2_PASSWORD", colleague,
                "STRATA_OUTSIDER", "oli", "STRATA_OUTSIDER_PASSWORD", outsider), Duration.ofMinutes(9));
        assertTrue(Files.exists(UiPlatform.screenshots().resolve("dashboard.png")), "the dashboard's screenshot");
    }

    /** shop's gold table, built as a user builds one: a pipeline's sql task, run by the scheduler. */
    private void loadDailySales() throws Exception {
        String yaml = String.join("\n", "namespace: " + NS, "id: sales-seed", "tasks:", "  - id: build",
                "    type: sql", "    inputs:", "      sql: >-",
                "        drop table if exists " + NS + "__gold.daily_sales;",
                "        create table " + NS + "__gold.daily_sales as select * from (values",
                "        (date '2026-11-20', 'eu', 120.50), (date '2026-11-20', 'us', 80.00),",
                "        (date '2026-11-21', 'eu', 95.25), (date '2026-11-21', 'us', 130.00),",
                "        (date '2026-11-22', 'eu', 60.00), (date '2026-11-22', 'us', 110.75))",
                "        as s(day, region, revenue)", "");
        HttpResponse<String> saved = platform.send("POST", "/api/scheduler/v1/pipelines", "application/yaml", yaml);
        assertTrue(saved.statusCode() == 200 || saved.statusCode() == 201, saved.body());
        HttpResponse<String> trigger = platform.send("POST", "/api/scheduler/v1/pipelines/" + NS + "/sales-seed/runs",
                "{\"params\":{}}");
        assertTrue(trigger.statusCode() == 200 || trigger.statusCode() == 201 || trigger.statusCode() == 202,
                trigger.body());
        String id = JSON.readTree(trigger.body()).path("id").asText();
        assertTrue(!id.isEmpty(), trigger.body());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            HttpResponse<String> run = platform.send("GET", "/api/scheduler/v1/runs/" + id, "");
            assertEquals(200, run.statusCode(), run.body());
            String state = JSON.readTree(run.body()).path("state").asText();
            if (state.equals("succeeded")) {
                return;
            }
            if (!List.of("queued", "running").contains(state) || System.nanoTime() - deadline > 0) {
                fail("loading shop's gold table: " + run.body());
            }
            Thread.sleep(250);
        }
    }
}
