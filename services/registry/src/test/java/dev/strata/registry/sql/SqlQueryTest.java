package dev.strata.registry.sql;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
import io.restassured.specification.RequestSpecification;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.registry.testing.Await;
import dev.strata.registry.testing.Callers;
import dev.strata.warehouse.NamespaceRoles;

/**
 * The SQL workspace against the real warehouse: an analyst of a namespace reads its tables as the namespace's
 * read-only role; everything else is refused with a sentence (and Postgres would refuse it anyway: see
 * NamespaceRolesTest); timeouts, cancel and streaming behave as a user sees them.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class SqlQueryTest {

    private static final String A = "sql-a";
    private static final String B = "sql-b";
    private static final String BASE = "/api/v1/namespaces/";
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
            s.execute("create table sql_a__gold.orders (id int, amount numeric(10,2), placed timestamp, "
                    + "paid boolean, note text)");
            s.execute("insert into sql_a__gold.orders values (1, 10.50, '2026-01-01 10:00', true, 'first'), "
                    + "(2, 20.00, '2026-01-02 11:30', false, null), (3, 5.25, '2026-01-03 09:15', true, 'third')");
            s.execute("create table sql_a__gold.big as select g as id, md5(g::text) as label, "
                    + "timestamp '2026-01-01' + g * interval '1 second' as at from generate_series(1, 1000000) g");
        }
        try (Connection c = roles.open(B); Statement s = c.createStatement()) {
            s.execute("create table sql_b__gold.secrets (v text)");
            s.execute("insert into sql_b__gold.secrets values ('b only')");
        }
        seeded = true;
    }

    private RequestSpecification as(String namespace, String role) {
        return given().auth().oauth2(Callers.token(stack, Map.of(namespace, role)));
    }

    private Response query(String role, String sql) {
        return as(A, role).contentType(ContentType.JSON).body(Map.of("sql", sql)).post(BASE + A + "/sql/queries");
    }

    private static List<JsonPath> lines(Response response) {
        return Arrays.stream(response.asString().split("\n")).map(JsonPath::new).toList();
    }

    @Test
    void anAnalystReadsTheNamespacesGoldTableAsStreamedLines() {
        Response response = as(A, "analyst").contentType(ContentType.JSON)
                .body(Map.of("sql", "select id, amount, placed, paid, note\nfrom orders where amount >= :min "
                        + "order by id", "parameters", Map.of("min", 6), "maxRows", 10))
                .post(BASE + A + "/sql/queries");
        response.then().statusCode(200).contentType(SqlResource.NDJSON);
        List<JsonPath> lines = lines(response);
        assertEquals(4, lines.size(), response.asString());
        assertEquals(List.of("id", "amount", "placed", "paid", "note"), lines.get(0).getList("columns.name"));
        assertEquals(List.of("int4", "numeric", "timestamp", "bool", "text"), lines.get(0).getList("columns.type"));
        assertEquals("sql_a__gold.orders", lines.get(0).getString("columns[0].table"));
        assertEquals(Arrays.asList(1, 10.5f, "2026-01-01T10:00", true, "first"), lines.get(1).getList("$"));
        assertEquals(Arrays.asList(2, 20.0f, "2026-01-02T11:30", false, null), lines.get(2).getList("$"));
        assertEquals(2, lines.get(3).getInt("end.rows"));
        assertFalse(lines.get(3).getBoolean("end.truncated"));
    }

    @Test
    void theRowCapTruncatesAndSaysSo() {
        Response response = as(A, "analyst").contentType(ContentType.JSON)
                .body(Map.of("sql", "select * from big", "maxRows", 150)).post(BASE + A + "/sql/queries");
        List<JsonPath> lines = lines(response.then().statusCode(200).extract().response());
        assertEquals(152, lines.size());
        assertEquals(150, lines.get(151).getInt("end.rows"));
        assertTrue(lines.get(151).getBoolean("end.truncated"));
        as(A, "analyst").contentType(ContentType.JSON).body(Map.of("sql", "select 1", "maxRows", 10001))
                .post(BASE + A + "/sql/queries").then().statusCode(400)
                .body("detail", containsString("maxRows must be between 1 and 10000"));
        as(A, "analyst").contentType(ContentType.JSON).body(Map.of("sql", "select 1", "rows", 1))
                .post(BASE + A + "/sql/queries").then().statusCode(400).body("detail", containsString("'rows'"));
    }

    @Test
    void writesDdlFilesRolesAndOtherNamespacesAreRefusedWithASentence() {
        for (String sql : List.of("select * from sql_b__gold.secrets", "select * from auth.users",
                "select pg_read_file('postgresql.conf')", "copy (select 1) to program 'touch /tmp/strata-sql'",
                "set role strata_ns_sql_a", "set session authorization strata_ns_sql_a",
                "create table sql_a__gold.planted (v int)", "insert into orders values (9, 1, now(), true, 'x')",
                "with x as (delete from orders returning *) select * from x",
                "select * from dblink('dbname=metadata', 'select 1') as t(v int)")) {
            query("analyst", sql).then().statusCode(403).contentType("application/problem+json")
                    .body("title", equalTo("Query refused"))
                    .body("detail", containsString("Only read queries"));
        }
        query("analyst", "select 1; delete from orders").then().statusCode(400)
                .body("detail", containsString("One statement at a time"));
        assertEquals(3, count("sql_a__gold.orders"), "nothing was half-executed");
    }

    @Test
    void whatThePreCheckLetsThroughPostgresStillRefuses() {
        // quoted so the pre-check does not see it: the read-only role is the wall
        query("analyst", "select * from \"sql_b__gold\" . \"secrets\"").then().statusCode(403)
                .body("title", equalTo("Query refused"))
                .body("detail", containsString("permission denied"));
    }

    @Test
    void aSyntaxErrorGivesLineAndColumn() {
        query("analyst", "select id,\n  from orders").then().statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("SQL syntax error"))
                .body("sqlState", equalTo("42601"))
                .body("line", equalTo(2))
                .body("column", equalTo(3))
                .body("position", equalTo(14));
        query("analyst", "select nope from orders").then().statusCode(400)
                .body("detail", containsString("nope")).body("line", equalTo(1)).body("column", equalTo(8));
    }

    @Test
    void aRunawayQueryIsStoppedByTheTimeout() {
        long t0 = System.nanoTime();
        query("analyst", "select pg_sleep(10)").then().statusCode(422)
                .body("title", equalTo("Query timed out"))
                .body("detail", containsString("stopped after 2 s (strata.registry.sql.statement-timeout)"));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 6);
    }

    @Test
    void cancelStopsTheQueryOnTheServer() throws Exception {
        // an export: its timeout is not the 2 s of the test profile's queries
        String id = UUID.randomUUID().toString();
        String token = Callers.token(stack, Map.of(A, "analyst"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "api/v1/namespaces/" + A + "/sql/exports"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"select pg_sleep(60) /* cancel-me */\","
                        + "\"queryId\":\"" + id + "\"}"))
                .build();
        CompletableFuture<HttpResponse<String>> running = HttpClient.newHttpClient().sendAsync(request,
                HttpResponse.BodyHandlers.ofString());
        Await.until("the query runs", () -> activeQueries("cancel-me") == 1);
        // another caller cannot cancel it
        as(A, "engineer").delete(BASE + A + "/sql/queries/" + id).then().statusCode(404);
        long t0 = System.nanoTime();
        given().auth().oauth2(token).delete(BASE + A + "/sql/queries/" + id).then().statusCode(204);
        // the export is broken off, never answered as a complete CSV
        try {
            HttpResponse<String> answer = running.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertFalse(answer.statusCode() == 200 && answer.body().startsWith("pg_sleep"), answer.body());
        } catch (java.util.concurrent.ExecutionException broken) {
            // the connection was closed mid-answer
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30);
        Await.until("no such query left in pg_stat_activity", () -> activeQueries("cancel-me") == 0);
        given().auth().oauth2(token).delete(BASE + A + "/sql/queries/" + id).then().statusCode(404);
    }

    @Test
    void aViewerIsRefusedAndAnotherNamespaceSeesNothing() {
        query("viewer", "select 1").then().statusCode(403);
        as(B, "analyst").contentType(ContentType.JSON).body(Map.of("sql", "select 1"))
                .post(BASE + A + "/sql/queries").then().statusCode(404);
        as(B, "analyst").get(BASE + A + "/sql/schema").then().statusCode(404);
        as(B, "analyst").delete(BASE + A + "/sql/queries/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void theSchemaListsWhatTheAnalystsMayQuery() {
        JsonPath schema = as(A, "analyst").get(BASE + A + "/sql/schema").then().statusCode(200).extract()
                .jsonPath();
        assertEquals("gold", schema.getString("schemas.find { it.name == 'sql_a__gold' }.layer"));
        assertEquals(List.of("id", "amount", "placed", "paid", "note"), schema.getList(
                "schemas.find { it.name == 'sql_a__gold' }.tables.find { it.name == 'orders' }.columns.name"));
        assertFalse(schema.prettify().contains("sql_b__"), "nothing of namespace B");
    }

    @Test
    void aMillionRowCsvExportStreamsWithBoundedMemory() throws Exception {
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                System.gc();
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "api/v1/namespaces/" + A + "/sql/exports"))
                .header("Authorization", "Bearer " + Callers.token(stack, Map.of(A, "analyst")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"select * from big order by id\"}")).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        long lines = 0;
        String first;
        String last = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            first = reader.readLine();
            String line;
            while ((line = reader.readLine()) != null) {
                lines++;
                last = line;
            }
        } finally {
            done.set(true);
            sampler.join();
        }
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Disposition").orElse("").matches(
                "attachment; filename=\"query-\\d{8}-\\d{6}\\.csv\""));
        assertEquals("id,label,at", first);
        assertEquals(1_000_000, lines);
        assertTrue(last.startsWith("1000000,"), last);
        long grown = (peak.get() - baseline) / (1024 * 1024);
        // the CSV is ~60 MB: built in memory it would not fit
        assertTrue(grown < 48, "heap grew by " + grown + " MB during the export");
        assertTrue(peak.get() < 256L * 1024 * 1024, "heap used peaked at " + peak.get() / (1024 * 1024) + " MB");
    }

    @Test
    void savedQueryChartAndDashboardRoundTripWithVersionsAndYaml() {
        String sq = BASE + A + "/sql/saved-queries/";
        String query = "{\"title\":\"Paid orders\",\"sql\":\"select id, amount from orders where paid = :paid "
                + "and amount >= :min order by id\",\"parameters\":[{\"name\":\"paid\",\"type\":\"boolean\","
                + "\"default\":true},{\"name\":\"min\",\"type\":\"number\",\"default\":0}]}";
        as(A, "analyst").contentType(ContentType.JSON).body(query).put(sq + "paid-orders").then().statusCode(201)
                .body("version", equalTo(1)).body("name", equalTo("paid-orders"));
        as(A, "analyst").contentType(ContentType.JSON).body(query).put(sq + "paid-orders").then().statusCode(200)
                .body("version", equalTo(1));
        as(A, "analyst").contentType(ContentType.JSON).body(query.replace("Paid orders", "Paid orders (EUR)"))
                .put(sq + "paid-orders").then().statusCode(200).body("version", equalTo(2));
        as(A, "analyst").get(sq + "paid-orders/versions").then().statusCode(200)
                .body("version", equalTo(List.of(2, 1)));
        as(A, "analyst").get(sq + "paid-orders/versions/1").then().statusCode(200)
                .body("title", equalTo("Paid orders"));

        List<JsonPath> rows = lines(as(A, "analyst").contentType(ContentType.JSON)
                .body("{\"parameters\":{\"min\":\"6\"}}").post(sq + "paid-orders/run").then().statusCode(200)
                .extract().response());
        assertEquals(List.of(1, 10.5f), rows.get(1).getList("$"));
        assertEquals(1, rows.get(2).getInt("end.rows"));
        as(A, "analyst").contentType(ContentType.JSON).body("{\"parameters\":{\"min\":\"lots\"}}")
                .post(sq + "paid-orders/run").then().statusCode(400)
                .body("detail", containsString("'lots' is not a number"));

        String charts = BASE + A + "/sql/charts/";
        as(A, "analyst").contentType(ContentType.JSON).body("{\"title\":\"By id\",\"query\":\"nope\","
                + "\"type\":\"bar\",\"mapping\":{\"x\":\"id\",\"y\":[\"amount\"]}}").put(charts + "by-id")
                .then().statusCode(422).body("field", equalTo("query")).body("value", equalTo("nope"));
        as(A, "analyst").contentType(ContentType.JSON).body("{\"title\":\"By id\",\"query\":\"paid-orders\","
                + "\"type\":\"bar\",\"mapping\":{\"x\":\"id\",\"y\":[\"amount\"],\"series\":null},"
                + "\"parameters\":{\"min\":\"1\"}}").put(charts + "by-id").then().statusCode(201);

        String boards = BASE + A + "/sql/dashboards/";
        as(A, "analyst").contentType(ContentType.JSON).body("{\"title\":\"Sales\",\"refreshSeconds\":60,"
                + "\"tiles\":[{\"chart\":\"missing\",\"x\":0,\"y\":0,\"w\":6,\"h\":4}]}").put(boards + "sales")
                .then().statusCode(422).body("field", equalTo("tiles[0].chart"));
        as(A, "analyst").contentType(ContentType.JSON).body("{\"title\":\"Sales\",\"refreshSeconds\":60,"
                + "\"tiles\":[{\"chart\":\"by-id\",\"x\":0,\"y\":0,\"w\":6,\"h\":4}],\"color\":1}")
                .put(boards + "sales").then().statusCode(400).body("detail", containsString("'color'"));
        as(A, "analyst").contentType(ContentType.JSON).body("{\"title\":\"Sales\",\"refreshSeconds\":60,"
                + "\"tiles\":[{\"chart\":\"by-id\",\"x\":0,\"y\":0,\"w\":6,\"h\":4}]}").put(boards + "sales")
                .then().statusCode(201);

        // YAML export, imported under another name by another analyst of the namespace
        String yaml = as(A, "analyst").accept("application/yaml").get(boards + "sales").then().statusCode(200)
                .contentType(containsString("yaml")).extract().asString();
        assertTrue(yaml.contains("title: Sales") && yaml.contains("chart: by-id"), yaml);
        as(A, "engineer").contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .put(boards + "sales-copy").then()
                .statusCode(201).body("tiles[0].chart", equalTo("by-id")).body("refreshSeconds", equalTo(60))
                .body("updatedBy", org.hamcrest.Matchers.notNullValue());
        as(A, "analyst").get(boards).then().statusCode(200).body("name", equalTo(List.of("sales", "sales-copy")));

        as(A, "viewer").get(boards + "sales").then().statusCode(403);
        as(B, "analyst").get(boards + "sales").then().statusCode(404);
        as(A, "analyst").contentType(ContentType.JSON).body("{\"title\":\"x\",\"sql\":\"select 1\"}")
                .put(sq + "Bad_Name").then().statusCode(400).body("detail", containsString("lower-case"));
        as(A, "analyst").delete(boards + "sales-copy").then().statusCode(204);
        as(A, "analyst").get(boards + "sales-copy").then().statusCode(404);
    }

    private long activeQueries(String marker) {
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB);
                PreparedStatement s = c.prepareStatement("select count(*) from pg_stat_activity where state = "
                        + "'active' and query like ? and pid <> pg_backend_pid()")) {
            s.setString(1, "%" + marker + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String table) {
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
