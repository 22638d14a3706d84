package dev.strata.registry.sql;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.registry.testing.Await;
import dev.strata.registry.testing.Callers;
import dev.strata.warehouse.NamespaceRoles;

/**
 * The SQL workspace's pooled reader connections against the real warehouse: a connection goes back clean (nothing a
 * query left in the session reaches the next query, of another user), a namespace's connections never serve another
 * namespace, and a client that leaves early has its query cancelled and its connection closed at once.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class SqlPoolTest {

    private static final String A = "pool-a";
    private static final String B = "pool-b";
    private static boolean seeded;

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void seed() throws Exception {
        if (seeded) {
            return;
        }
        try (Connection c = roles.open(A); Statement s = c.createStatement()) {
            s.execute("create table pool_a__gold.t (v int)");
            s.execute("insert into pool_a__gold.t values (1), (2), (3)");
        }
        roles.ensure(B);
        seeded = true;
    }

    /** The single line of values a query answers (line 2 of its NDJSON). */
    private List<Object> row(String namespace, String role, String sql) {
        Response response = given().auth().oauth2(Callers.token(stack, Map.of(namespace, role)))
                .contentType(ContentType.JSON).body(Map.of("sql", sql))
                .post("/api/v1/namespaces/" + namespace + "/sql/queries");
        response.then().statusCode(200);
        List<JsonPath> lines = Arrays.stream(response.asString().split("\n")).map(JsonPath::new).toList();
        assertEquals(1, lines.get(lines.size() - 1).getInt("end.rows"), response.asString());
        return lines.get(1).getList("$");
    }

    @Test
    void whatAQueryLeavesInItsSessionNeverReachesTheNextQuery() {
        // a session-level advisory lock and a setting: set_config is quoted so the pre-check lets it through
        List<Object> first = row(A, "analyst", "select pg_backend_pid(), pg_advisory_lock(4242), "
                + "\"set_config\"('work_mem', '1MB', false), \"set_config\"('search_path', 'pg_catalog', false)");
        int pid = (Integer) first.get(0);
        // the next query, of another user, on the same pooled connection: none of it is left
        List<Object> next = row(A, "engineer", "select pg_backend_pid(), current_user, current_setting('work_mem'), "
                + "(select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()), "
                + "current_setting('statement_timeout'), (select count(*) from t)");
        assertEquals(pid, next.get(0), "the pooled connection was used again (the pool does its job)");
        assertEquals(List.of(pid, "strata_nsr_pool_a", "16MB", 0, "2s", 3), next);
    }

    @Test
    void anotherNamespaceNeverGetsAConnectionOfThisOne() throws Exception {
        int pidA = (Integer) row(A, "analyst", "select pg_backend_pid()").get(0);
        List<Object> b = row(B, "analyst", "select pg_backend_pid(), current_user");
        assertNotEquals(pidA, b.get(0));
        assertEquals("strata_nsr_pool_b", b.get(1));
        // A's connection waits in A's pool, logged in as A's read-only role; B's connections are all B's
        assertEquals(List.of("strata_nsr_pool_a"), users("pid = " + pidA));
        assertEquals(List.of("strata_nsr_pool_b"), users("pid = " + b.get(0)));
        assertTrue(!users("usename = 'strata_nsr_pool_b'").isEmpty());
        assertEquals(List.of(), users("usename = 'strata_nsr_pool_b' and pid = " + pidA));
    }

    @Test
    void aClientThatLeavesBeforeTheFirstRowsHasItsQueryCancelledAtOnce() throws Exception {
        // an export: its timeout (10 min) is far beyond the test's wait, unlike the 2 s of the test's queries
        String sql = "select pg_sleep(60) /* leave-early */";
        int pid;
        try (Socket client = request("/api/v1/namespaces/" + A + "/sql/exports", "{\"sql\":\"" + sql + "\"}")) {
            Await.until("the export runs", () -> backends("leave-early").size() == 1);
            pid = backends("leave-early").get(0);
        }
        Await.until("the query is gone and its connection closed", Duration.ofSeconds(5),
                () -> backends("leave-early").isEmpty() && users("pid = " + pid).isEmpty());
    }

    @Test
    void aClientThatLeavesWhileRowsStreamHasItsQueryCancelled() throws Exception {
        // rows come slowly and without end (the set-returning function in the select list streams its values): only
        // the client leaving (or the 10 min timeout) can stop it
        String sql = "select g, repeat('x', 200), case when g % 50 = 0 then pg_sleep(0.01) end "
                + "from (select generate_series(1, 1000000000) as g) s /* leave-streaming */";
        int pid;
        try (Socket client = request("/api/v1/namespaces/" + A + "/sql/exports", "{\"sql\":\"" + sql + "\"}")) {
            byte[] head = client.getInputStream().readNBytes(64);
            assertTrue(new String(head, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"), new String(head,
                    StandardCharsets.UTF_8));
            Await.until("the export runs", () -> backends("leave-streaming").size() == 1);
            pid = backends("leave-streaming").get(0);
        }
        Await.until("the query is gone and its connection closed", Duration.ofSeconds(5),
                () -> backends("leave-streaming").isEmpty() && users("pid = " + pid).isEmpty());
    }

    /** Sends a POST as an analyst of A on a plain socket, which the caller closes to leave. */
    private Socket request(String path, String body) throws Exception {
        Socket socket = new Socket(root.getHost(), root.getPort());
        socket.setSoTimeout(30_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + root.getHost() + ":" + root.getPort() + "\r\n"
                + "Authorization: Bearer " + Callers.token(stack, Map.of(A, "analyst")) + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** The backends running a query that contains {@code marker}. */
    private List<Integer> backends(String marker) {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB);
                PreparedStatement s = c.prepareStatement("select pid from pg_stat_activity where state = 'active' "
                        + "and query like ? and pid <> pg_backend_pid()")) {
            s.setString(1, "%" + marker + "%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    /** The login roles of the warehouse's backends matching {@code condition}. */
    private List<String> users(String condition) {
        List<String> users = new ArrayList<>();
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select usename from pg_stat_activity where datname = "
                        + "current_database() and " + condition)) {
            while (rs.next()) {
                users.add(rs.getString(1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return users;
    }
}
