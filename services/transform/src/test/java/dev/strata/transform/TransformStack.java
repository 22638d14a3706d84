package dev.strata.transform;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.restassured.path.json.JsonPath;

import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.SqlCompiler;
import dev.strata.transform.plan.Plan;
import dev.strata.transform.plan.Selector;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.transform.project.ProjectLoader;
import dev.strata.transform.run.BuildRunner;
import dev.strata.transform.run.NodeResult;

/** Test helpers: SQL as the warehouse superuser, and builds run by the engine as the restricted role. */
public final class TransformStack {

    public static final Set<String> SCHEMAS = Set.of("raw", "bronze", "silver", "gold", "quarantine");

    private TransformStack() {
    }

    public static void sql(javax.sql.DataSource ds, String... statements) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static List<List<Object>> rows(javax.sql.DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static long count(javax.sql.DataSource ds, String sql) {
        return ((Number) rows(ds, sql).get(0).get(0)).longValue();
    }

    public static CompiledProject compile(ProjectFiles files, Map<String, ?> vars) {
        return SqlCompiler.compile(ProjectLoader.load(files), vars, "silver");
    }

    public static List<NodeResult> build(javax.sql.DataSource runner, CompiledProject project, String select,
            boolean fullRefresh) {
        Plan plan = Plan.of(project, Selector.select(project, select, null), true);
        return new BuildRunner(project, runner::getConnection, new BuildRunner.Options(4, fullRefresh, 10, SCHEMAS,
                true), r -> {
                }).run(plan);
    }

    /** Polls {@code GET /api/v1/builds/{id}} until the build is neither queued nor running (at most 3 minutes). */
    public static JsonPath waitForBuild(String token, Object id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            JsonPath b = given().auth().oauth2(token)
                    .get("/api/v1/builds/" + id).then().statusCode(200).extract().jsonPath();
            String status = b.getString("status");
            if (!status.equals("queued") && !status.equals("running")) {
                return b;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("build " + id + " still " + status);
            }
            Thread.sleep(250);
        }
    }

    public static NodeResult result(List<NodeResult> results, String node) {
        return results.stream().filter(r -> r.node().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + node + " in " + results));
    }
}
