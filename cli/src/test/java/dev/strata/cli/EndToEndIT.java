package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.strata.cli.Launcher.Output;
import dev.strata.cli.PlatformState.Entry;
import dev.strata.devstack.quarkus.IssuerClient;

/**
 * The platform as a user runs it ({@code strata up}: real Postgres, Kafka, S3, Redis and the seven services), started
 * once for two checks: a three-task pipeline (ingest → transform → notify) through the gateway, real Kafka and the real
 * workers; then a real Prometheus, scraping the services since the start, evaluates every dashboard query and alert
 * rule of {@code observability/} ({@link LivePrometheusCheck}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(6);
    private static final String NAMESPACE = "e2e";
    private static final String SIGNING_KEY = "whsec-" + UUID.randomUUID();
    /** What the test's HTTP source serves: five orders of three customers. */
    private static final String ORDERS_CSV = """
            order_id,customer,amount,ordered_on
            1,ada,12.50,2026-11-20
            2,bob,7.25,2026-11-20
            3,ada,30.00,2026-11-21
            4,cyd,5.00,2026-11-22
            5,bob,2.75,2026-11-22
            """;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<Received> webhooks = new CopyOnWriteArrayList<>();

    @TempDir
    static Path tmp;

    private HttpServer receiver;
    private Process launcher;
    private Output output;
    private Path dataDir;
    private PlatformState state;
    private String gateway;
    private String token;
    private LivePrometheusCheck prometheus;
    private boolean pipelineRan;

    record Received(Map<String, String> headers, byte[] body) {
    }

    @BeforeAll
    void startThePlatform() throws Exception {
        List<String> selected = Services.select(System.getenv("STRATA_SERVICES"));
        assumeTrue(selected.containsAll(Services.ALL), "the end-to-end test needs all seven services");
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/orders.csv", exchange -> answer(exchange, 200, ORDERS_CSV));
        receiver.createContext("/hook", exchange -> {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            webhooks.add(new Received(headers, exchange.getRequestBody().readAllBytes()));
            answer(exchange, 200, "{}");
        });
        receiver.start();
        String receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort();

        dataDir = tmp.resolve("data");
        ProcessBuilder up = Launcher.cli("up", "--data-dir", dataDir.toString(), "--timeout",
                READY_WITHIN.toSeconds() + "s").redirectErrorStream(true);
        // what an operator configures: the loopback source allowed for ingest, the loopback webhook target allowed for
        // the notifier (libs/netguard refuses loopback otherwise), the webhook's secrets for the notifier
        up.environment().put("STRATA_INGEST_ALLOWED_HOSTS", "127.0.0.1");
        up.environment().put("STRATA_NOTIFIER_ALLOWED_HOSTS", "127.0.0.1");
        up.environment().put("STRATA_SECRETS_E2E_HOOK_URL", receiverUrl + "/hook");
        up.environment().put("STRATA_SECRETS_E2E_HOOK_KEY", SIGNING_KEY);
        launcher = up.start();
        output = new Output(launcher, Path.of("target", "end-to-end-it-launcher.log"));
        if (!output.await("Strata is ready in", READY_WITHIN.plusSeconds(30))) {
            fail("strata up did not get ready:\n" + output);
        }
        state = PlatformState.read(dataDir.toRealPath().resolve("run")).orElseThrow();
        // scraping from the start, as a cluster's Prometheus does
        prometheus = LivePrometheusCheck.start(tmp.resolve("prometheus"), state.services());
        gateway = "http://127.0.0.1:" + port("gateway");
        Properties stack = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("stack.properties"))) {
            stack.load(in);
        }
        token = new IssuerClient(gateway, stack.getProperty(Platform.ADMIN_PASSWORD_KEY)).adminToken();
    }

    @AfterAll
    void stopThePlatform() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (launcher != null) {
            if (launcher.isAlive()) {
                Launcher.Result down = Launcher.run(Duration.ofSeconds(150), "down", "--data-dir",
                        dataDir.toString());
                assertEquals(0, down.exitCode(), down.output());
            }
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher exited");
            output.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aThreeTaskPipelineRunsEndToEnd() throws Exception {
        // the namespace, a webhook channel, the transform project and the pipeline, all through the gateway
        HttpResponse<String> namespace = send("POST", "/api/auth/v1/namespaces", "application/json",
                "{\"name\":\"" + NAMESPACE + "\"}");
        assertTrue(namespace.statusCode() == 201 || namespace.statusCode() == 409, namespace.body());
        HttpResponse<String> channel = send("POST", "/api/notifier/v1/channels", "application/json", """
                {"namespace":"e2e","name":"e2e-hook","type":"webhook","maxAttempts":5,
                 "settings":{"urlRef":"e2e-hook-url","signingSecretRef":"e2e-hook-key"}}""");
        assertEquals(201, channel.statusCode(), channel.body());
        assertFalse(channel.body().contains(SIGNING_KEY), "the channel's secret is masked");
        HttpResponse<byte[]> project = http.send(request("/api/transform/v1/projects/" + NAMESPACE)
                .header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(shopProject())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, project.statusCode(), new String(project.body(), StandardCharsets.UTF_8));
        String ordersUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/orders.csv";
        String yaml = """
                namespace: e2e
                id: orders_daily
                description: load the orders, build the customer totals, tell the team
                tasks:
                  - id: load
                    type: ingest
                    inputs:
                      spec:
                        namespace: e2e
                        name: orders
                        source: {kind: http, url: "%s"}
                        format: {type: csv, header: true}
                        loadMode: replace
                  - id: build
                    type: transform
                    depends_on: [load]
                    inputs: {project_version: shop, selector: customer_totals}
                  - id: tell
                    type: notify
                    depends_on: [build]
                    inputs: {channel: e2e-hook, message: customer totals are ready}
                """.formatted(ordersUrl);
        HttpResponse<String> pipeline = send("POST", "/api/scheduler/v1/pipelines", "application/yaml", yaml);
        assertEquals(201, pipeline.statusCode(), pipeline.body());

        HttpResponse<String> trigger = send("POST", "/api/scheduler/v1/pipelines/e2e/orders_daily/runs",
                "application/json", "{\"params\":{}}");
        assertEquals(202, trigger.statusCode(), trigger.body());
        String runId = json.readTree(trigger.body()).path("id").asText();
        // the gateway started a trace for the trigger: its id is the request id the caller got back
        String traceId = trigger.headers().firstValue("X-Request-Id").orElseThrow();
        assertEquals("00-" + traceId, trigger.headers().firstValue("traceresponse").orElseThrow().substring(0, 35));

        // the run, as the user follows it
        JsonNode run = awaitRunEnd(runId, Duration.ofMinutes(5));
        assertEquals("succeeded", run.path("state").asText(), run.toPrettyString());
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        run.path("tasks").forEach(t -> tasks.put(t.path("taskId").asText(), t));
        assertEquals(List.of("build", "load", "tell"), tasks.keySet().stream().sorted().toList());
        for (JsonNode task : tasks.values()) {
            assertEquals("succeeded", task.path("state").asText(), task.toPrettyString());
            assertEquals(1, task.path("attempt").asInt(), task.toPrettyString());
        }
        // in order: a task is queued only once its upstream finished
        assertFalse(instant(tasks.get("build"), "queuedAt").isBefore(instant(tasks.get("load"), "finishedAt")),
                run.toPrettyString());
        assertFalse(instant(tasks.get("tell"), "queuedAt").isBefore(instant(tasks.get("build"), "finishedAt")),
                run.toPrettyString());
        assertEquals(5, tasks.get("load").path("rows").asLong(), tasks.get("load").toPrettyString());

        // the warehouse: the loaded table and the model built on it
        int postgresPort = state.infrastructure().stream().filter(e -> e.name().equals("postgres")).findFirst()
                .orElseThrow().port();
        try (Connection warehouse = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort
                + "/warehouse", "postgres", "")) {
            assertEquals(List.of("1|ada|12.50|2026-11-20", "2|bob|7.25|2026-11-20", "3|ada|30.00|2026-11-21",
                    "4|cyd|5.00|2026-11-22", "5|bob|2.75|2026-11-22"),
                    rows(warehouse, "select order_id, customer, amount, ordered_on from e2e__raw.orders "
                            + "order by order_id"));
            assertEquals(List.of("ada|2|42.50", "bob|2|10.00", "cyd|1|5.00"),
                    rows(warehouse,
                            "select customer, orders, amount from e2e__gold.customer_totals order by customer"));
        }

        // the registry: a version of the loaded dataset and of the model, with their schemas
        JsonNode orderVersions = awaitVersions("orders");
        assertEquals(5, orderVersions.get(0).path("rowCount").asLong(), orderVersions.toPrettyString());
        assertTrue(orderVersions.get(0).toString().contains("\"customer\""), orderVersions.toPrettyString());
        JsonNode modelVersions = awaitVersions("customer_totals");
        assertEquals(3, modelVersions.get(0).path("rowCount").asLong(), modelVersions.toPrettyString());
        assertEquals(runId, orderVersions.get(0).path("producedByRun").asText(), orderVersions.toPrettyString());
        assertEquals(runId, modelVersions.get(0).path("producedByRun").asText(), modelVersions.toPrettyString());

        // lineage: transform pushed the model's upstream to the registry, with the service account the launcher made
        JsonNode lineage = awaitUpstream("customer_totals");
        assertTrue(lineage.toString().contains("orders"), "the model's upstream names the orders: "
                + lineage.toPrettyString());

        // the webhook: one signed notification from the notify task, verifiable with the channel's secret
        Received hook = awaitWebhook(Duration.ofMinutes(1));
        String timestamp = hook.headers().get("x-strata-timestamp");
        assertTrue(verify(SIGNING_KEY, timestamp, hook.body(), hook.headers().get("x-strata-signature")),
                hook.headers().toString());
        assertFalse(verify("another-key", timestamp, hook.body(), hook.headers().get("x-strata-signature")));
        JsonNode notification = json.readTree(hook.body());
        assertEquals("pipeline_message", notification.path("eventType").asText(), notification.toPrettyString());
        assertEquals("e2e", notification.path("namespace").asText());
        assertEquals("orders_daily", notification.path("pipelineId").asText());
        assertEquals(runId, notification.path("runId").asText());
        assertEquals("customer totals are ready", notification.path("message").asText());

        // one trace id from the gateway, through the scheduler's request on Kafka, to the ingest worker's load
        String loadLine = "of " + NAMESPACE + ".orders: 5 rows";
        List<String> workerLines = Files.readAllLines(dataDir.resolve("logs").resolve("ingest.log")).stream()
                .filter(line -> line.contains(loadLine)).toList();
        assertEquals(1, workerLines.size(), "the ingest worker logged the load once: " + workerLines);
        assertTrue(workerLines.get(0).contains("traceId=" + traceId + " "),
                "the worker's load is in the trigger's trace " + traceId + ": " + workerLines.get(0));
        pipelineRan = true;
    }

    /**
     * The README's golden path, word for word: its {@code <!-- golden-path -->} block run by bash from the repository's
     * root, as a script signed in with {@code STRATA_URL} and {@code STRATA_TOKEN} runs it; then what the user reads:
     * the run succeeded, the gold mart has rows, the raw tables hold every row of the CSV files.
     */
    @Test
    @Order(2)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void theReadmesGoldenPathRunsAsWritten() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(repo.resolve("README.md"));
        int start = readme.indexOf("<!-- golden-path -->");
        int end = readme.indexOf("<!-- /golden-path -->");
        assertTrue(start > 0 && end > start, "the README has a golden-path block");
        String block = readme.substring(start, end);
        String script = block.substring(block.indexOf("```bash\n") + 8, block.lastIndexOf("```"));
        ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(repo.toFile())
                .redirectErrorStream(true);
        bash.environment().put("STRATA_URL", gateway);
        bash.environment().put("STRATA_TOKEN", token);
        bash.environment().put("STRATA_CONFIG_DIR", tmp.resolve("cli-config").toString());
        Process process = bash.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the golden path ended");
        Files.writeString(Path.of("target", "golden-path.log"), out);
        assertEquals(0, process.exitValue(), "the golden path as the README writes it:\n" + out);

        // what the user reads: the run succeeded (the trigger's exit code said so), the preview shows the mart
        assertTrue(out.contains("succeeded"), out);
        JsonNode runs = get("/api/scheduler/v1/runs?namespace=sales-eu&pipeline=sales_daily&limit=1");
        JsonNode run = (runs.isArray() ? runs : runs.path("items")).get(0);
        assertEquals("succeeded", run.path("state").asText(), run.toPrettyString());
        JsonNode preview = get("/api/registry/v1/datasets/sales-eu/gold_daily_sales/preview?limit=5");
        assertTrue(preview.toString().contains("revenue"), preview.toPrettyString());
        // and the warehouse: every row of each CSV file in the namespace's raw table
        int postgresPort = state.infrastructure().stream().filter(e -> e.name().equals("postgres")).findFirst()
                .orElseThrow().port();
        try (Connection warehouse = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort
                + "/warehouse", "postgres", "")) {
            for (String table : List.of("customers", "products", "orders", "order_lines")) {
                long lines;
                try (var csv = Files.lines(repo.resolve("docs/examples/sales/data/" + table + ".csv"))) {
                    lines = csv.filter(l -> !l.isBlank()).count() - 1;
                }
                assertEquals(List.of(Long.toString(lines)),
                        rows(warehouse, "select count(*) from sales_eu__raw." + table), table);
            }
            assertFalse(rows(warehouse, "select count(*) from sales_eu__gold.gold_daily_sales").contains("0"));
        }
    }

    @Test
    @Order(3)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyDashboardQueryAndAlertRuleAgainstARealPrometheus() throws Exception {
        assumeTrue(pipelineRan, "the pipeline did not run: the pipeline and data panels would be empty");
        // every service was scraped: its own job, up (a fast pipeline can finish before the first scrape of all)
        awaitValue("count(up == 1)", Services.ALL.size());
        LivePrometheusCheck.Report report = prometheus.evaluate(Duration.ofSeconds(60));
        System.out.println(report);
        assertTrue(report.failures().isEmpty(), report.toString());
        // and the numbers an SRE would read for this run: its rows, its outcome, its notification
        awaitValue("sum(strata_ingest_loaded_rows_total{dataset=\"e2e.orders\"})", 5);
        awaitValue("sum(strata_scheduler_runs_total{pipeline=\"e2e.orders_daily\",status=\"succeeded\"})", 1);
        awaitValue("count(strata_scheduler_task_duration_seconds_count{status=\"succeeded\"})", 3);
        awaitValue("sum(strata_notifier_deliveries_total{channel=\"webhook\",status=\"delivered\"})", 1);
    }

    // ------------------------------------------------------------------ helpers

    /** Waits for the next scrapes to carry what the services counted. */
    private void awaitValue(String expr, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double value = prometheus.value(expr);
        while (value != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(500);
            value = prometheus.value(expr);
        }
        assertEquals(expected, value, expr);
    }

    private int port(String service) {
        return state.services().stream().filter(s -> s.name().equals(service)).mapToInt(Entry::port).findFirst()
                .orElseThrow();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return json.readTree(response.body());
    }

    private JsonNode awaitRunEnd(String runId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode run = get("/api/scheduler/v1/runs/" + runId);
        while (List.of("queued", "running").contains(run.path("state").asText())) {
            if (System.nanoTime() - deadline > 0) {
                fail("the run did not end within " + timeout.toSeconds() + " s: " + run.toPrettyString());
            }
            Thread.sleep(250);
            run = get("/api/scheduler/v1/runs/" + runId);
        }
        return run;
    }

    /** The registry records a version when it consumes the producer's DatasetUpdated: shortly after the run. */
    /** The dataset's upstream lineage edges, once the registry has some. */
    private JsonNode awaitUpstream(String dataset) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> response = http.send(request("/api/registry/v1/lineage/" + NAMESPACE + "/"
                    + dataset + "?direction=up").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode edges = json.readTree(response.body()).path("edges");
                if (edges.size() > 0) {
                    return edges;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                List<String> transformSaid = Files.readAllLines(dataDir.resolve("logs").resolve("transform.log"))
                        .stream().filter(line -> line.contains("lineage")).toList();
                fail("no upstream lineage of " + NAMESPACE + "." + dataset + " in the registry: "
                        + response.statusCode() + " " + response.body() + "; transform logged: " + transformSaid);
            }
            Thread.sleep(250);
        }
    }

    private JsonNode awaitVersions(String dataset) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> response = http.send(request("/api/registry/v1/datasets/" + NAMESPACE + "/"
                    + dataset + "/versions").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode body = json.readTree(response.body());
                JsonNode versions = body.isArray() ? body : body.path("items");
                if (versions.size() > 0) {
                    return versions;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                fail("no version of " + NAMESPACE + "." + dataset + " in the registry: " + response.statusCode()
                        + " " + response.body());
            }
            Thread.sleep(250);
        }
    }

    private Received awaitWebhook(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (webhooks.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                fail("no notification reached the webhook within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
        Thread.sleep(500);
        assertEquals(1, webhooks.size(), "one notification");
        return webhooks.get(0);
    }

    private static Instant instant(JsonNode task, String field) {
        assertTrue(task.hasNonNull(field), field + " missing: " + task.toPrettyString());
        return Instant.parse(task.path(field).asText());
    }

    private static List<String> rows(Connection connection, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(rs.getString(i));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }

    /** The receiver's check, as the notifier's README documents it for webhook receivers. */
    private static boolean verify(String secret, String timestamp, byte[] rawBody, String signatureHeader)
            throws Exception {
        return InProcessPlatform.verifySignature(secret, timestamp, rawBody, signatureHeader);
    }

    private static byte[] shopProject() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", """
                name: shop
                version: '1.0.0'
                config-version: 2
                model-paths: ["models"]
                models:
                  shop:
                    +schema: gold
                    +materialized: table
                """);
        files.put("models/sources.yml", """
                version: 2
                sources:
                  - name: raw
                    schema: raw
                    loaded_at_field: ordered_on
                    freshness:
                      error_after: {count: 3650, period: day}
                    tables:
                      - name: orders
                """);
        files.put("models/customer_totals.sql", """
                select customer, count(*) as orders, sum(amount) as amount
                from {{ source('raw', 'orders') }}
                group by customer
                """);
        files.put("models/schema.yml", """
                version: 2
                models:
                  - name: customer_totals
                    columns:
                      - name: customer
                        tests: [unique, not_null]
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
