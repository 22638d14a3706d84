package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.strata.devstack.PostgresServer;

/**
 * The fault-injection suite: the whole platform as the launcher's own code starts it (real PostgreSQL, Kafka, S3,
 * Redis and the seven services as child JVMs), real data, real crashes ({@code kill -9} of a service or of Kafka, a
 * Postgres restart, a webhook target answering 503). Each experiment asserts what a user checks — the rows in the
 * warehouse against the source (none lost, none twice), every run ended, every cron fire run once, every notification
 * delivered once — and records its figures; {@link #writeTheTable} writes them as {@code target/reliability.md}
 * ({@code -Dstrata.reliability.doc=<path>} writes it there too: {@code bench/reliability/run.sh} makes
 * {@code docs/reliability.md} with it).
 *
 * <p>
 * Shortened settings, stated in the table: ingest and transform leases 10 s (60 s by default), heartbeats every 2 s,
 * the scheduler's heartbeat timeout 15 s (60 s); every task retries 3 times after 2 s.
 */
@Tag("faults")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

    private static final String NS = "fault-lab";
    private static final String PG = "fault_lab";
    private static final Duration RESTART_WITHIN = Duration.ofMinutes(3);
    private static final int BIG_ROWS = Integer.getInteger("strata.faults.big-rows", 2_000_000);
    private static final int SMALL_ROWS = 1_000;
    /** The big source is served at this rate, so that a kill can land while it downloads. */
    private static final long SERVE_BYTES_PER_SECOND = 12L << 20;
    private static final String RETRIES = "retries: {count: 3, backoff: 2s}";
    private static final Map<String, String> SETTINGS = Map.of(
            "STRATA_INGEST_LEASE", "10s",
            "STRATA_INGEST_HEARTBEAT_INTERVAL", "2s",
            "STRATA_TRANSFORM_LEASE", "10s",
            "STRATA_TRANSFORM_HEARTBEAT_INTERVAL", "2s",
            "STRATA_SCHEDULER_HEARTBEAT_TIMEOUT", "15s");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
    private final AtomicBoolean hookDown = new AtomicBoolean();
    /** Event ids the webhook target answered 200 to, in order (a repeat is a duplicate delivery). */
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final AtomicLong refused = new AtomicLong();
    private final List<Result> results = new CopyOnWriteArrayList<>();

    @TempDir
    static Path tmp;

    private InProcessPlatform lab;
    private Platform platform;
    private HttpServer source;
    private String sourceUrl;
    private String warehouseUrl;

    /** One experiment's figures: a row of the table. */
    record Result(String experiment, String fault, int tries, long lost, long duplicated, long stuck,
            double recoverSeconds, String note) {
    }

    @BeforeAll
    void startThePlatform() throws Exception {
        assumeTrue(Services.select(System.getenv("STRATA_SERVICES")).containsAll(Services.ALL),
                "the fault-injection suite needs all seven services");
        source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        source.createContext("/rows.csv", this::serveRows);
        source.createContext("/hook", this::receiveHook);
        source.setExecutor(Executors.newFixedThreadPool(8));
        source.start();
        sourceUrl = "http://127.0.0.1:" + source.getAddress().getPort();

        Map<String, String> env = new LinkedHashMap<>(SETTINGS);
        env.put("STRATA_INGEST_ALLOWED_HOSTS", "127.0.0.1");
        env.put("STRATA_NOTIFIER_ALLOWED_HOSTS", "127.0.0.1");
        env.put("STRATA_SECRETS_FAULT_HOOK_URL", sourceUrl + "/hook");
        env.put("STRATA_SECRETS_FAULT_HOOK_KEY", "whsec-fault-lab");
        lab = InProcessPlatform.start(tmp.resolve("data"), "fault-injection-it.log", env);
        platform = lab.platform();
        warehouseUrl = lab.stack().postgres().jdbcUrl(PostgresServer.WAREHOUSE_DB);
        HttpResponse<String> namespace = send("POST", "/api/auth/v1/namespaces", "application/json",
                "{\"name\":\"" + NS + "\"}");
        assertTrue(namespace.statusCode() == 201 || namespace.statusCode() == 409, namespace.body());
    }

    @AfterAll
    void stopThePlatform() {
        if (lab != null) {
            lab.close();
        }
        if (source != null) {
            source.stop(0);
        }
    }

    @AfterAll
    void writeTheTable() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("""
                # Reliability

                Written by the fault-injection suite (`cli/src/test/java/dev/strata/cli/FaultInjectionIT.java`, tag \
                `faults`, run by `./mvnw -B verify`; this copy by `bench/reliability/run.sh`) on %s, against the whole \
                platform started by the launcher's own code: real PostgreSQL, Kafka, S3 and Redis, the seven services \
                as child JVMs, real crashes (`kill -9`). Settings shortened for the suite: ingest and transform leases \
                10 s (default 60 s), worker heartbeats every 2 s (15 s), the scheduler's heartbeat timeout 15 s \
                (60 s); every task `retries: {count: 3, backoff: 2s}`. *Lost* and *duplicated* count rows in the \
                warehouse against the source (or cron fires, or notifications); *stuck* counts runs that did not end \
                within the experiment's limit; *recover* is from the end of the fault to the last run's end.

                | experiment | fault | tries | lost | duplicated | stuck | recover (s) | notes |
                |---|---|---|---|---|---|---|---|
                """.formatted(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        for (Result r : results) {
            md.append(String.format(java.util.Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %.1f | %s |%n",
                    r.experiment(), r.fault(), r.tries(), r.lost(), r.duplicated(), r.stuck(), r.recoverSeconds(),
                    r.note()));
        }
        md.append(
                """

                        **What Strata promises from this:** a worker, Kafka, Postgres or a webhook target that dies mid-flight \
                        loses no row, runs no cron fire twice or never, and delivers every notification exactly once; every run \
                        ends (succeeded, given its retries) within the times above after the fault ends. Rows of a load that a \
                        crash interrupted are never visible half-written: the retry's load replaces them in one transaction.
                        """);
        Path out = Path.of("target", "reliability.md");
        Files.writeString(out, md);
        StringBuilder figures = new StringBuilder();
        for (Result r : results) {
            figures.append(r.experiment()).append(".tries=").append(r.tries()).append('\n')
                    .append(r.experiment()).append(".lost=").append(r.lost()).append('\n')
                    .append(r.experiment()).append(".duplicated=").append(r.duplicated()).append('\n')
                    .append(r.experiment()).append(".stuck=").append(r.stuck()).append('\n')
                    .append(r.experiment()).append(".recover_s=").append(r.recoverSeconds()).append('\n');
        }
        Files.writeString(Path.of("target", "reliability.properties"), figures);
        String doc = System.getProperty("strata.reliability.doc");
        if (doc != null && !doc.isBlank()) {
            Files.writeString(Path.of(doc), md);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // experiments

    @Test
    @Order(1)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void ingestKilledWhileItDownloads() throws Exception {
        killIngestDuringALoad("kill_ingest_download", "ingest killed (kill -9) with 40 % of the source downloaded",
                () -> served("big_download").get() > bigBytes() * 2 / 5);
    }

    @Test
    @Order(2)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void ingestKilledDuringCopy() throws Exception {
        killIngestDuringALoad("kill_ingest_copy", "ingest killed (kill -9) in the middle of its COPY into Postgres",
                () -> served("big_copy").get() > bigBytes() * 7 / 10 && activeQueries("copy%") > 0);
    }

    @Test
    @Order(3)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void transformKilledDuringABuild() throws Exception {
        pushProject();
        savePipeline("slow_build", """
                tasks:
                  - id: load
                    type: ingest
                    %s
                    inputs:
                      spec: {namespace: %s, name: small_orders, source: {kind: http, url: "%s/rows.csv?n=%d&key=small"},
                             format: {type: csv, header: true}, loadMode: replace}
                  - id: build
                    type: transform
                    depends_on: [load]
                    %s
                    inputs: {project_version: lab, selector: slow_totals}
                """.formatted(RETRIES, NS, sourceUrl, SMALL_ROWS, RETRIES));
        String run = trigger("slow_build");
        awaitCondition(Duration.ofMinutes(2), "the build's slow model runs", () -> activeQueries("%pg_sleep%") > 0);
        Instant fault = Instant.now();
        platform.restart("transform", true, RESTART_WITHIN);
        Instant back = Instant.now();
        Map<String, JsonNode> ended = awaitRuns(List.of(run), Duration.ofMinutes(3));
        JsonNode r = ended.get(run);
        long stuck = ended.values().stream().filter(v -> v == null).count();
        // the model: one row per customer of the source, each with its true count
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 1; i <= SMALL_ROWS; i++) {
            expected.merge(customer(i), 1L, Long::sum);
        }
        Map<String, Long> actual = new TreeMap<>();
        long rows = 0;
        try (Connection c = warehouse();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select customer, orders from " + PG + "__gold.slow_totals")) {
            while (rs.next()) {
                actual.merge(rs.getString(1), rs.getLong(2), Long::sum);
                rows++;
            }
        }
        long lost = expected.entrySet().stream().filter(e -> !e.getValue().equals(actual.get(e.getKey()))).count();
        long duplicated = rows - actual.size();
        record("kill_transform", "transform killed (kill -9) while a model's SQL ran", 1, lost, duplicated, stuck,
                seconds(back, ended), "build run " + state(r) + ", build task attempts " + attempts(r, "build")
                        + "; transform back " + secs(fault, back) + " s after the kill");
        assertEquals("succeeded", state(r), String.valueOf(r));
        assertEquals(expected, actual);
    }

    @Test
    @Order(4)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void kafkaKilledWithTwentyRunsInFlightAndNewTriggers() throws Exception {
        for (int i = 0; i < 25; i++) {
            savePipeline("k" + i, quickPipeline("k" + i));
        }
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            runs.add(trigger("k" + i));
        }
        long pid = platform.stack().kafka().pid().orElseThrow();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        awaitCondition(Duration.ofSeconds(30), "Kafka is gone", () -> ProcessHandle.of(pid).isEmpty()
                || !ProcessHandle.of(pid).get().isAlive());
        // triggers while Kafka is down: the run and its first dispatch are written to the database (outbox)
        for (int i = 20; i < 25; i++) {
            runs.add(trigger("k" + i));
        }
        Thread.sleep(10_000);
        platform.stack().kafka().start();
        Instant back = Instant.now();
        Map<String, JsonNode> ended = awaitRuns(runs, Duration.ofMinutes(4));
        long stuck = ended.values().stream().filter(v -> v == null).count();
        long lost = 0;
        long duplicated = 0;
        for (int i = 0; i < 25; i++) {
            long[] counts = idCounts("k" + i);
            lost += SMALL_ROWS - counts[1];
            duplicated += counts[0] - counts[1];
        }
        long failed = ended.values().stream().filter(v -> v != null && !"succeeded".equals(state(v))).count();
        record("kafka_restart", "Kafka killed (kill -9) with 20 runs in flight, 5 more triggered while it was down, "
                + "started again after 10 s", 25, lost, duplicated, stuck, seconds(back, ended),
                failed + " of 25 runs failed; rows checked in 25 tables of " + SMALL_ROWS + " rows");
        assertEquals(0, stuck, "runs that did not end: " + ended);
        assertEquals(0, failed, "failed runs: " + ended);
        assertEquals(0, lost);
        assertEquals(0, duplicated);
    }

    @Test
    @Order(5)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void ingestDownLongerThanTheRetryBackoff() throws Exception {
        ServiceProcess ingest = service("ingest");
        platform.stopOne(ingest, true);
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            savePipeline("down" + i, quickPipeline("down" + i));
            runs.add(trigger("down" + i));
        }
        // longer than the 2 s backoff and the 15 s heartbeat timeout
        Thread.sleep(20_000);
        platform.startOne(ingest, RESTART_WITHIN);
        Instant back = Instant.now();
        Map<String, JsonNode> ended = awaitRuns(runs, Duration.ofMinutes(3));
        long stuck = ended.values().stream().filter(v -> v == null).count();
        long lost = 0;
        long duplicated = 0;
        for (int i = 0; i < 3; i++) {
            long[] counts = idCounts("down" + i);
            lost += SMALL_ROWS - counts[1];
            duplicated += counts[0] - counts[1];
        }
        long failed = ended.values().stream().filter(v -> v != null && !"succeeded".equals(state(v))).count();
        record("worker_down", "ingest stopped for 20 s (longer than the 2 s backoff and the 15 s heartbeat timeout) "
                + "while 3 runs were triggered", 3, lost, duplicated, stuck, seconds(back, ended),
                failed + " of 3 runs failed");
        assertEquals(0, stuck, "runs that did not end: " + ended);
        assertEquals(0, failed, "failed runs: " + ended);
        assertEquals(0, lost + duplicated);
    }

    @Test
    @Order(6)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void postgresRestartedMidRun() throws Exception {
        savePipeline("pg_sleepy", """
                tasks:
                  - id: load
                    type: ingest
                    %s
                    inputs:
                      spec: {namespace: %s, name: pg_orders, source: {kind: http, url: "%s/rows.csv?n=%d&key=pg"},
                             format: {type: csv, header: true}, loadMode: replace}
                  - id: wait
                    type: sql
                    depends_on: [load]
                    %s
                    inputs: {sql: "select pg_sleep(6)"}
                """.formatted(RETRIES, NS, sourceUrl, SMALL_ROWS, RETRIES));
        String run = trigger("pg_sleepy");
        awaitCondition(Duration.ofMinutes(2), "the sql task runs", () -> activeQueries("select pg_sleep(6)%") > 0);
        PostgresServer postgres = platform.stack().postgres();
        postgres.stop();
        Thread.sleep(3_000);
        postgres.start();
        Instant back = Instant.now();
        Map<String, JsonNode> ended = awaitRuns(List.of(run), Duration.ofMinutes(3));
        JsonNode r = ended.get(run);
        long[] counts = idCounts("pg_orders");
        record("postgres_restart", "PostgreSQL (metadata and warehouse) stopped for 3 s while an sql task ran", 1,
                SMALL_ROWS - counts[1], counts[0] - counts[1], r == null ? 1 : 0, seconds(back, ended),
                "run " + state(r) + ", sql task attempts " + attempts(r, "wait"));
        assertEquals("succeeded", state(r), String.valueOf(r));
        assertEquals(SMALL_ROWS, counts[0]);
        assertEquals(SMALL_ROWS, counts[1]);
    }

    @Test
    @Order(7)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void schedulerKilledUnderACronEveryFiveSeconds() throws Exception {
        savePipeline("every5s", """
                schedule: {cron: "*/5 * * * * *", timezone: UTC}
                catch_up: all
                tasks:
                  - id: tick
                    type: sql
                    inputs: {sql: "select 1"}
                """);
        Instant from = Instant.now();
        Thread.sleep(16_000);
        platform.stopOne(service("scheduler"), true);
        Thread.sleep(15_000);
        platform.startOne(service("scheduler"), RESTART_WITHIN);
        Instant back = Instant.now();
        Thread.sleep(16_000);
        // a new version without the schedule stops the fires
        savePipeline("every5s", """
                tasks:
                  - id: tick
                    type: sql
                    inputs: {sql: "select 1"}
                """);
        Instant to = Instant.now().minusSeconds(3);
        // every fire time in the window, as the pipeline's cron gives them
        List<Instant> expected = new ArrayList<>();
        for (long s = (from.getEpochSecond() / 5 + 1) * 5; s <= to.getEpochSecond(); s += 5) {
            expected.add(Instant.ofEpochSecond(s));
        }
        Map<Instant, Integer> fires = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        JsonNode runs = get("/api/scheduler/v1/runs?namespace=" + NS + "&pipeline=every5s&limit=500");
        for (JsonNode run : runs.isArray() ? runs : runs.path("items")) {
            if (run.hasNonNull("logicalDate")) {
                Instant at = Instant.parse(run.path("logicalDate").asText());
                if (!at.isBefore(expected.get(0)) && !at.isAfter(expected.get(expected.size() - 1))) {
                    fires.merge(at, 1, Integer::sum);
                    ids.add(run.path("id").asText());
                }
            }
        }
        Map<String, JsonNode> ended = awaitRuns(ids, Duration.ofMinutes(2));
        long lost = expected.stream().filter(t -> !fires.containsKey(t)).count();
        long duplicated = fires.values().stream().mapToLong(n -> n - 1).sum();
        long stuck = ended.values().stream().filter(v -> v == null).count();
        record("kill_scheduler_cron", "scheduler killed (kill -9) for 15 s under a cron firing every 5 s "
                + "(catch_up: all)", expected.size(), lost, duplicated, stuck, seconds(back, ended),
                expected.size() + " fire times in " + secs(from, to) + " s, each a run");
        assertEquals(0, lost, "fires that never ran: " + expected + " vs " + fires.keySet());
        assertEquals(0, duplicated, "fires run twice: " + fires);
        assertEquals(0, stuck);
    }

    @Test
    @Order(8)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void webhookTargetDownForAMinute() throws Exception {
        HttpResponse<String> channel = send("POST", "/api/notifier/v1/channels", "application/json", """
                {"namespace":"%s","name":"fault-hook","type":"webhook","maxAttempts":10,
                 "settings":{"urlRef":"fault-hook-url","signingSecretRef":"fault-hook-key"}}""".formatted(NS));
        assertEquals(201, channel.statusCode(), channel.body());
        savePipeline("tell", """
                tasks:
                  - id: tell
                    type: notify
                    inputs: {channel: fault-hook, message: "fault lab says hello"}
                """);
        delivered.clear();
        hookDown.set(true);
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            runs.add(trigger("tell"));
        }
        Thread.sleep(60_000);
        hookDown.set(false);
        Instant back = Instant.now();
        Map<String, JsonNode> ended = awaitRuns(runs, Duration.ofMinutes(3));
        awaitCondition(Duration.ofMinutes(3), "10 notifications delivered",
                () -> new HashSet<>(delivered).size() >= 10);
        Thread.sleep(2_000);
        long distinct = new HashSet<>(delivered).size();
        long stuck = ended.values().stream().filter(v -> v == null).count();
        record("webhook_down", "webhook target answering 503 for 60 s while 10 runs notified it", 10, 10 - distinct,
                delivered.size() - distinct, stuck, secs(back, Instant.now()),
                refused.get() + " attempts refused during the outage");
        assertEquals(10, distinct);
        assertEquals(distinct, delivered.size(), "a notification delivered twice: " + delivered);
        assertEquals(0, stuck);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the experiments' shared steps

    private void killIngestDuringALoad(String experiment, String fault, Check when) throws Exception {
        String key = experiment.equals("kill_ingest_download") ? "big_download" : "big_copy";
        served(key).set(0);
        savePipeline(key, """
                tasks:
                  - id: load
                    type: ingest
                    %s
                    inputs:
                      spec: {namespace: %s, name: %s, source: {kind: http, url: "%s/rows.csv?n=%d&key=%s"},
                             format: {type: csv, header: true}, loadMode: replace}
                """.formatted(RETRIES, NS, key, sourceUrl, BIG_ROWS, key));
        String run = trigger(key);
        awaitCondition(Duration.ofMinutes(2), "the moment to kill ingest", when);
        Instant fault0 = Instant.now();
        platform.restart("ingest", true, RESTART_WITHIN);
        Instant back = Instant.now();
        Map<String, JsonNode> ended = awaitRuns(List.of(run), Duration.ofMinutes(4));
        JsonNode r = ended.get(run);
        long[] counts = idCounts(key);
        long lost = BIG_ROWS - counts[1];
        long duplicated = counts[0] - counts[1];
        record(experiment, fault, 1, lost, duplicated, r == null ? 1 : 0, seconds(back, ended),
                String.format(java.util.Locale.ROOT, "%,d rows; run %s, load task attempts %s; ingest back %s s "
                        + "after the kill", BIG_ROWS, state(r), attempts(r, "load"), secs(fault0, back)));
        assertEquals("succeeded", state(r), String.valueOf(r));
        assertEquals(0, lost, "rows lost");
        assertEquals(0, duplicated, "rows loaded twice");
    }

    private String quickPipeline(String table) {
        return """
                tasks:
                  - id: load
                    type: ingest
                    %s
                    inputs:
                      spec: {namespace: %s, name: %s, source: {kind: http, url: "%s/rows.csv?n=%d&key=%s"},
                             format: {type: csv, header: true}, loadMode: replace}
                  - id: count
                    type: sql
                    depends_on: [load]
                    %s
                    inputs: {sql: "select count(*) from %s__raw.%s"}
                """.formatted(RETRIES, NS, table, sourceUrl, SMALL_ROWS, table, RETRIES, PG, table);
    }

    private void savePipeline(String id, String tasks) throws Exception {
        String yaml = "namespace: " + NS + "\nid: " + id + "\ndescription: fault lab " + id + "\n" + tasks;
        HttpResponse<String> saved = send("POST", "/api/scheduler/v1/pipelines", "application/yaml", yaml);
        assertTrue(saved.statusCode() == 201 || saved.statusCode() == 200, saved.body());
    }

    private String trigger(String pipeline) throws Exception {
        HttpResponse<String> trigger = send("POST", "/api/scheduler/v1/pipelines/" + NS + "/" + pipeline + "/runs",
                "application/json", "{\"params\":{}}");
        assertEquals(202, trigger.statusCode(), trigger.body());
        return json.readTree(trigger.body()).path("id").asText();
    }

    /** Each run's final view, or {@code null} for a run that had not ended when the time was up. */
    private Map<String, JsonNode> awaitRuns(List<String> runs, Duration within) throws Exception {
        Map<String, JsonNode> ended = new LinkedHashMap<>();
        runs.forEach(r -> ended.put(r, null));
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (String id : runs) {
                if (ended.get(id) != null) {
                    continue;
                }
                try {
                    JsonNode run = get("/api/scheduler/v1/runs/" + id);
                    if (Set.of("succeeded", "failed", "cancelled").contains(state(run))) {
                        ended.put(id, run);
                    }
                } catch (IOException e) {
                    // a service restarting: ask again
                }
            }
            if (ended.values().stream().allMatch(v -> v != null)) {
                break;
            }
            Thread.sleep(500);
        }
        return ended;
    }

    private void pushProject() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", """
                name: lab
                version: '1.0.0'
                config-version: 2
                model-paths: ["models"]
                models:
                  lab:
                    +schema: gold
                    +materialized: table
                """);
        files.put("models/sources.yml", """
                version: 2
                sources:
                  - name: raw
                    schema: raw
                    tables:
                      - name: small_orders
                """);
        // slow on purpose, so that transform can be killed while it runs: 8 ms a row (the sleep refers to the row, so
        // Postgres runs it for each one; pg_sleep is volatile, so the unused column is not planned away)
        files.put("models/slow_totals.sql", """
                select customer, count(*) as orders
                from (
                    select o.customer, (select pg_sleep(0.008 + 0 * o.id)) as pause
                    from {{ source('raw', 'small_orders') }} o
                ) slow
                group by customer
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        HttpResponse<String> pushed = http.send(request("/api/transform/v1/projects/" + NS)
                .header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, pushed.statusCode(), pushed.body());
    }

    // ---------------------------------------------------------------------------------------------------------
    // the source, the webhook target and the warehouse as the test sees them

    /** {@code /rows.csv?n=N&key=K}: N deterministic rows, served at a fixed rate; bytes served counted per key. */
    private void serveRows(HttpExchange exchange) throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : exchange.getRequestURI().getQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], kv[1]);
        }
        int n = Integer.parseInt(query.get("n"));
        AtomicLong counter = served(query.get("key"));
        exchange.sendResponseHeaders(200, 0);
        long start = System.nanoTime();
        long sent = 0;
        try (OutputStream out = exchange.getResponseBody()) {
            StringBuilder chunk = new StringBuilder("id,customer,amount\n");
            for (int i = 1; i <= n; i++) {
                chunk.append(i).append(',').append(customer(i)).append(',').append(i % 1000).append(".25\n");
                if (chunk.length() >= 65536 || i == n) {
                    byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
                    out.write(bytes);
                    sent += bytes.length;
                    counter.addAndGet(bytes.length);
                    chunk.setLength(0);
                    long due = start + sent * 1_000_000_000L / SERVE_BYTES_PER_SECOND;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the reader died (a kill): nothing to do
        }
    }

    private void receiveHook(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        String eventId = exchange.getRequestHeaders().getFirst("X-Strata-Event-Id");
        if (hookDown.get()) {
            refused.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
        } else {
            delivered.add(eventId);
            exchange.sendResponseHeaders(200, -1);
        }
        exchange.close();
    }

    private AtomicLong served(String key) {
        return served.computeIfAbsent(key, k -> new AtomicLong());
    }

    private static long bigBytes() {
        // about 20 bytes a row at these sizes
        return BIG_ROWS * 20L;
    }

    private static String customer(int i) {
        return "c" + (i % 97);
    }

    /** {count(*), count(distinct id)} of the namespace's raw table; {0, 0} when it does not exist. */
    private long[] idCounts(String table) throws Exception {
        try (Connection c = warehouse();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*), count(distinct id) from " + PG + "__raw." + table)) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2)};
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return new long[]{0, 0};
            }
            throw e;
        }
    }

    /** Statements of the namespace's role running now whose text matches the LIKE pattern (case-insensitive). */
    private long activeQueries(String pattern) {
        try (Connection c = warehouse();
                var s = c.prepareStatement("select count(*) from pg_stat_activity "
                        + "where usename = ? and state = 'active' and query ilike ?")) {
            s.setString(1, "strata_ns_" + PG);
            s.setString(2, pattern);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    /** The test's own view of the warehouse: the local superuser, to count what the platform wrote. */
    private Connection warehouse() throws java.sql.SQLException {
        return DriverManager.getConnection(warehouseUrl, PostgresServer.USER, "");
    }

    // ---------------------------------------------------------------------------------------------------------
    // small helpers

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitCondition(Duration within, String what, Check check) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + within.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private void record(String experiment, String fault, int tries, long lost, long duplicated, long stuck,
            double recover, String note) {
        results.add(new Result(experiment, fault, tries, lost, duplicated, stuck, recover, note));
    }

    private ServiceProcess service(String name) {
        return platform.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static String state(JsonNode run) {
        return run == null ? "not ended" : run.path("state").asText();
    }

    private static String attempts(JsonNode run, String task) {
        if (run == null) {
            return "?";
        }
        for (JsonNode t : run.path("tasks")) {
            if (t.path("taskId").asText().equals(task)) {
                return t.path("attempt").asText();
            }
        }
        return "?";
    }

    /** From {@code back} to the latest end among the runs. */
    private static double seconds(Instant back, Map<String, JsonNode> ended) {
        Instant last = back;
        for (JsonNode run : ended.values()) {
            if (run != null && run.hasNonNull("finishedAt")) {
                Instant at = Instant.parse(run.path("finishedAt").asText());
                if (at.isAfter(last)) {
                    last = at;
                }
            }
        }
        return Duration.between(back, last).toMillis() / 1000.0;
    }

    private static double secs(Instant from, Instant to) {
        return Math.round(Duration.between(from, to).toMillis() / 100.0) / 10.0;
    }

    private JsonNode get(String path) throws Exception {
        return lab.get(path);
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        return lab.send(method, path, contentType, body);
    }

    private HttpRequest.Builder request(String path) {
        return lab.request(path);
    }
}
