package dev.strata.transform;

import static io.restassured.RestAssured.given;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.path.json.JsonPath;

import dev.strata.devstack.PostgresServer;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.SqlCompiler;
import dev.strata.transform.plan.Plan;
import dev.strata.transform.plan.Selector;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.transform.project.ProjectLoader;
import dev.strata.transform.run.BuildRunner;
import dev.strata.transform.run.NodeResult;
import dev.strata.warehouse.NamespaceRoles;

/**
 * Test helpers: SQL as a namespace's role or as the warehouse superuser (to assert what nobody else may see), and
 * builds run by the engine as the namespace's role.
 */
public final class TransformStack {

    private TransformStack() {
    }

    /** Connections as {@code namespace}'s own role, as a DataSource (what ingest and builds log in as). */
    public static DataSource as(NamespaceRoles roles, String namespace) {
        return new Connections(() -> roles.open(namespace));
    }

    /** Connections as the warehouse's superuser: for tests to set up and assert across namespaces only. */
    public static DataSource superuser() {
        String url = ConfigProvider.getConfig().getValue("strata.warehouse.jdbc-url", String.class);
        return new Connections(() -> DriverManager.getConnection(url, PostgresServer.USER, ""));
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

    public static CompiledProject compile(String namespace, ProjectFiles files, Map<String, ?> vars) {
        return SqlCompiler.compile(ProjectLoader.load(files), namespace, vars, "silver");
    }

    /** Runs a build as the service does: the schemas it writes made first, its SQL as the namespace's role. */
    public static List<NodeResult> build(NamespaceRoles roles, CompiledProject project, String select,
            boolean fullRefresh) {
        try {
            roles.ensureSchemas(project.namespace(), List.copyOf(project.writtenSchemas()));
            dev.strata.transform.run.Grants.ensureRoles(roles, project);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Plan plan = Plan.of(project, Selector.select(project, select, null), true);
        return new BuildRunner(project, () -> roles.open(project.namespace()), new BuildRunner.Options(4,
                fullRefresh, 10, true), r -> {
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

    /** A DataSource over a connection factory (new connection each time). */
    private record Connections(BuildRunner.Connections open) implements DataSource {

        @Override
        public Connection getConnection() throws SQLException { return open.open(); }

        @Override
        public Connection getConnection(String username, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter() { return null; }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() { return 0; }

        @Override
        public Logger getParentLogger() { return Logger.getGlobal(); }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    public static NodeResult result(List<NodeResult> results, String node) {
        return results.stream().filter(r -> r.node().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + node + " in " + results));
    }
}
