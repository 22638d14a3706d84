import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.devstack.quarkus.IssuerClient;

/**
 * The SQL workspace against a running platform (bench/sql/run.sh starts one with the launcher): a 1,000,000-row table
 * in a namespace's gold schema, made by a pipeline's sql task as the namespace's role, then
 * <ul>
 * <li>first rows: {@code POST …/sql/queries} with {@code SELECT *} through the gateway, request → the 100th row line
 * read from the streamed answer; baseline: the same first 100 rows by plain JDBC, a new connection each time (a client
 * without a pool; the service keeps one per namespace), straight to Postgres;</li>
 * <li>CSV export: {@code POST …/sql/exports} of the whole table through the gateway, read to the end; baseline:
 * {@code psql -c "\copy (SELECT …) TO STDOUT WITH CSV HEADER"} to /dev/null; the registry's resident memory sampled
 * every 50 ms during the exports.</li>
 * </ul>
 * Measured runs alternate with their baselines after warm-up runs. Writes its figures as properties to stdout.
 */
public final class SqlBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "sql-bench";
    private static final String TABLE = "sql_bench__gold.big";
    private static final int ROWS = 1_000_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    /** The registry's own URL (no gateway), or null. */
    private final String registry;
    private final String token;
    private final Properties stack;

    SqlBench(String gateway, String registry, String token, Properties stack) {
        this.gateway = gateway;
        this.registry = registry;
        this.token = token;
        this.stack = stack;
    }

    public static void main(String[] args) throws Exception {
        Properties stack = new Properties();
        try (var in = Files.newInputStream(Path.of(System.getProperty("stack")))) {
            stack.load(in);
        }
        String gateway = System.getProperty("gateway");
        PrintStream out = System.out;
        System.setOut(System.err);
        String token = new IssuerClient(gateway, stack.getProperty("auth.admin-password")).adminToken();
        new SqlBench(gateway, System.getProperty("registry"), token, stack).run(Integer.getInteger("rounds", 15), Integer.getInteger("exports", 5),
                Long.getLong("registry-pid", 0), out);
        out.flush();
        System.exit(0);
    }

    void run(int rounds, int exports, long registryPid, PrintStream out) throws Exception {
        setUp();
        // first rows: 3 warm-up pairs, then `rounds` pairs, alternating
        List<Double> strata = new ArrayList<>();
        List<Double> jdbc = new ArrayList<>();
        for (int i = 0; i < rounds + 3; i++) {
            double s = firstRowsThroughTheGateway();
            double j = firstRowsByJdbc();
            if (i >= 3) {
                strata.add(s);
                jdbc.add(j);
            }
        }
        out.printf(Locale.ROOT, "first_rows.strata=%s%nfirst_rows.jdbc=%s%n", stats(strata), stats(jdbc));

        // CSV export: 1 warm-up pair, then `exports` pairs; the registry's RSS sampled throughout
        AtomicLong maxRssKb = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxRssKb.accumulateAndGet(rssKb(registryPid), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long idleRssKb = rssKb(registryPid);
        sampler.start();
        List<Double> export = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        List<Double> psql = new ArrayList<>();
        long exportedLines = 0;
        for (int i = 0; i < exports + 1; i++) {
            long t0 = System.nanoTime();
            long lines = export(gateway + "/api/registry");
            double s = ms(t0);
            double p = psqlCopy();
            double d = 0;
            if (registry != null) {
                // the same export straight from the registry (the gateway's hop left out), to know each hop's share
                t0 = System.nanoTime();
                export(registry + "/api");
                d = ms(t0);
            }
            if (i >= 1) {
                export.add(s);
                psql.add(p);
                direct.add(d);
            }
            exportedLines = lines;
        }
        sampler.interrupt();
        sampler.join();
        out.printf(Locale.ROOT, "export.strata=%s%nexport.direct=%s%nexport.psql=%s%nexport.lines=%d%n"
                + "registry.rss_mb.idle=%.0f%nregistry.rss_mb.max=%.0f%n", stats(export), stats(direct), stats(psql),
                exportedLines, idleRssKb / 1024.0,
                maxRssKb.get() / 1024.0);
    }

    private void setUp() throws Exception {
        HttpResponse<String> ns = send("POST", "/api/auth/v1/namespaces", "application/json",
                "{\"name\":\"" + NAMESPACE + "\"}");
        check(ns.statusCode() == 201 || ns.statusCode() == 409, "namespace", ns);
        String yaml = "namespace: " + NAMESPACE + "\nid: make-big\ntasks:\n  - id: make\n    type: sql\n"
                + "    inputs:\n      sql: |\n        drop table if exists " + TABLE + ";\n"
                + "        create table " + TABLE + " as select g as id, md5(g::text) as name, g % 1000 as bucket,"
                + " timestamp '2026-01-01' + g * interval '1 second' as at, (g * 1.5)::numeric(12,2) as amount"
                + " from generate_series(1, " + ROWS + ") g;\n";
        HttpResponse<String> pipeline = send("POST", "/api/scheduler/v1/pipelines", "application/yaml", yaml);
        check(pipeline.statusCode() == 201 || pipeline.statusCode() == 200, "pipeline", pipeline);
        HttpResponse<String> trigger = send("POST", "/api/scheduler/v1/pipelines/" + NAMESPACE + "/make-big/runs",
                "application/json", "{}");
        check(trigger.statusCode() == 202, "trigger", trigger);
        String runId = JSON.readTree(trigger.body()).path("id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            JsonNode run = JSON.readTree(send("GET", "/api/scheduler/v1/runs/" + runId, null, null).body());
            String state = run.path("state").asText();
            if (state.equals("succeeded")) {
                break;
            }
            if (!state.isEmpty() && !state.equals("queued") && !state.equals("running")
                    || System.nanoTime() > deadline) {
                throw new IllegalStateException("making the table: run " + runId + " is " + run);
            }
            Thread.sleep(500);
        }
        System.err.println("the " + ROWS + "-row table " + TABLE + " is made");
    }

    /** Request → the 100th row of the streamed answer, in ms. */
    private double firstRowsThroughTheGateway() throws Exception {
        HttpRequest request = request("POST", "/api/registry/v1/namespaces/" + NAMESPACE + "/sql/queries",
                "application/json", "{\"sql\":\"select * from " + TABLE + "\",\"maxRows\":1000}");
        long t0 = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body();
                BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("query: " + response.statusCode() + " " + lines.readLine());
            }
            String header = lines.readLine();
            if (header == null || !header.contains("\"columns\"")) {
                throw new IllegalStateException("query: no header line but " + header);
            }
            for (int i = 0; i < 100; i++) {
                String row = lines.readLine();
                if (row == null || !row.startsWith("[")) {
                    throw new IllegalStateException("query: row " + i + " is " + row);
                }
            }
            return ms(t0);
        }
    }

    /** A new connection, a cursor of 100 rows, the first 100 rows read, in ms. */
    private double firstRowsByJdbc() throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(warehouseUrl(), "postgres", "")) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(100);
                try (ResultSet rows = s.executeQuery("select * from " + TABLE)) {
                    int n = 0;
                    while (n < 100 && rows.next()) {
                        for (int col = 1; col <= 5; col++) {
                            rows.getString(col);
                        }
                        n++;
                    }
                    if (n != 100) {
                        throw new IllegalStateException("jdbc: " + n + " rows");
                    }
                }
            }
            double took = ms(t0);
            c.rollback();
            return took;
        }
    }

    /** The whole table as CSV from the API at {@code api} (the gateway's or the registry's), read to the end. */
    private long export(String api) throws Exception {
        HttpRequest request = request("POST", URI.create(api + "/v1/namespaces/" + NAMESPACE + "/sql/exports"),
                "application/json", "{\"sql\":\"select * from " + TABLE + "\"}");
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long lines = 0;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("export: " + response.statusCode() + " "
                        + new String(body.readNBytes(2000), StandardCharsets.UTF_8));
            }
            byte[] buffer = new byte[1 << 16];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        if (lines != ROWS + 1) {
            throw new IllegalStateException("export: " + lines + " lines, expected " + (ROWS + 1));
        }
        return lines;
    }

    /** psql's {@code \copy} of the same query to /dev/null, the whole process, in ms. */
    private double psqlCopy() throws Exception {
        ProcessBuilder psql = new ProcessBuilder("psql", "-X", "-q", "-h", "127.0.0.1", "-p",
                stack.getProperty("postgres.port"), "-U", "postgres", "-d", "warehouse", "-c",
                "\\copy (select * from " + TABLE + ") to stdout with csv header")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(false);
        long t0 = System.nanoTime();
        Process p = psql.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql: " + err);
        }
        return ms(t0);
    }

    private String warehouseUrl() {
        return "jdbc:postgresql://127.0.0.1:" + stack.getProperty("postgres.port") + "/warehouse";
    }

    private static long rssKb(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static String stats(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format(Locale.ROOT, "%.1f,%.1f,%.1f", median, sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void check(boolean ok, String what, HttpResponse<String> response) {
        if (!ok) {
            throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.body());
        }
    }

    private HttpRequest request(String method, String path, String contentType, String body) {
        return request(method, URI.create(gateway + path), contentType, body);
    }

    private HttpRequest request(String method, URI uri, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + token);
        if (body == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        return http.send(request(method, path, contentType, body), HttpResponse.BodyHandlers.ofString());
    }
}
