import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.strata.devstack.quarkus.IssuerClient;

/**
 * A bounded load test of a running platform, through its gateway (bench/load/run.sh starts one with the launcher):
 * {@code concurrency} pipelines each keep one run in flight (ingest of a CSV served by this JVM, then an sql task
 * reading the loaded table as the namespace's role) for {@code seconds}, while an API burst of {@code rps} GET requests
 * per second hits the registry, scheduler and auth through the gateway. Afterwards every run still in flight gets
 * {@code drain-seconds} to end; what has not ended by then is stuck. Writes its figures as properties to stdout.
 */
public final class LoadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "load-bench";
    private static final int CSV_ROWS = 1_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    private final String token;

    private final ConcurrentLinkedQueue<Long> apiMicros = new ConcurrentLinkedQueue<>();
    private final AtomicLong apiRequests = new AtomicLong();
    private final AtomicLong apiErrors = new AtomicLong();
    private final AtomicLong api5xx = new AtomicLong();
    private final AtomicLong api429 = new AtomicLong();
    private final ConcurrentHashMap<String, Long> errorKinds = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<Long> runMillis = new ConcurrentLinkedQueue<>();
    private final AtomicLong runsStarted = new AtomicLong();
    private final AtomicLong runsSucceeded = new AtomicLong();
    private final AtomicLong runsFailed = new AtomicLong();
    private final AtomicLong triggerErrors = new AtomicLong();
    private final ConcurrentLinkedQueue<String> stuck = new ConcurrentLinkedQueue<>();

    LoadBench(String gateway, String token) {
        this.gateway = gateway;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        String gateway = System.getProperty("gateway");
        Properties stack = new Properties();
        try (var in = Files.newInputStream(Path.of(System.getProperty("stack")))) {
            stack.load(in);
        }
        int seconds = Integer.getInteger("seconds", 60);
        int concurrency = Integer.getInteger("concurrency", 8);
        int rps = Integer.getInteger("rps", 50);
        int drainSeconds = Integer.getInteger("drain-seconds", 120);
        // the figures go to stdout, everything else to stderr
        PrintStream out = System.out;
        System.setOut(System.err);
        String token = new IssuerClient(gateway, stack.getProperty("auth.admin-password")).adminToken();
        new LoadBench(gateway, token).run(seconds, concurrency, rps, drainSeconds, out);
        out.flush();
        // the CSV server's and the HTTP client's threads would keep the JVM alive
        System.exit(0);
    }

    void run(int seconds, int concurrency, int rps, int drainSeconds, PrintStream out) throws Exception {
        HttpServer source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] csv = csv();
        source.createContext("/orders.csv", exchange -> {
            exchange.sendResponseHeaders(200, csv.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(csv);
            }
        });
        source.setExecutor(Executors.newFixedThreadPool(4));
        source.start();
        String url = "http://127.0.0.1:" + source.getAddress().getPort() + "/orders.csv";
        try {
            setUp(concurrency, url);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long drainEnd = end + TimeUnit.SECONDS.toNanos(drainSeconds);
            ExecutorService runners = Executors.newFixedThreadPool(concurrency);
            for (int i = 0; i < concurrency; i++) {
                String pipeline = "p" + i;
                runners.submit(() -> keepRunning(pipeline, end, drainEnd));
            }
            ScheduledExecutorService burst = Executors.newSingleThreadScheduledExecutor();
            // open loop: each tick hands its request to a caller, so a slow answer never lowers the offered rate
            ExecutorService callers = Executors.newFixedThreadPool(64);
            List<String> paths = List.of("/api/registry/v1/datasets?namespace=" + NAMESPACE,
                    "/api/scheduler/v1/pipelines?namespace=" + NAMESPACE,
                    "/api/scheduler/v1/runs?namespace=" + NAMESPACE + "&limit=20", "/api/auth/v1/me",
                    "/api/notifier/v1/channels?namespace=" + NAMESPACE);
            AtomicLong tick = new AtomicLong();
            burst.scheduleAtFixedRate(() -> {
                if (System.nanoTime() < end) {
                    String path = paths.get((int) (tick.getAndIncrement() % paths.size()));
                    callers.submit(() -> apiCall(path));
                }
            }, 0, 1_000_000L / rps, TimeUnit.MICROSECONDS);
            TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
            burst.shutdown();
            burst.awaitTermination(30, TimeUnit.SECONDS);
            callers.shutdown();
            callers.awaitTermination(60, TimeUnit.SECONDS);
            runners.shutdown();
            runners.awaitTermination(drainSeconds + 30L, TimeUnit.SECONDS);
        } finally {
            source.stop(0);
        }
        report(seconds, concurrency, rps, drainSeconds, out);
    }

    private void setUp(int concurrency, String url) throws Exception {
        HttpResponse<String> ns = send("POST", "/api/auth/v1/namespaces", "application/json",
                "{\"name\":\"" + NAMESPACE + "\"}");
        if (ns.statusCode() != 201 && ns.statusCode() != 409) {
            throw new IllegalStateException("namespace: " + ns.statusCode() + " " + ns.body());
        }
        for (int i = 0; i < concurrency; i++) {
            String yaml = """
                    namespace: %s
                    id: p%d
                    description: load bench pipeline %d
                    tasks:
                      - id: load
                        type: ingest
                        inputs:
                          spec:
                            namespace: %s
                            name: orders_%d
                            source: {kind: http, url: "%s"}
                            format: {type: csv, header: true}
                            loadMode: replace
                      - id: count
                        type: sql
                        depends_on: [load]
                        inputs: {sql: "select count(*) from load_bench__raw.orders_%d"}
                    """.formatted(NAMESPACE, i, i, NAMESPACE, i, url, i);
            HttpResponse<String> pipeline = send("POST", "/api/scheduler/v1/pipelines", "application/yaml", yaml);
            if (pipeline.statusCode() != 201 && pipeline.statusCode() != 200) {
                throw new IllegalStateException("pipeline p" + i + ": " + pipeline.statusCode() + " "
                        + pipeline.body());
            }
        }
    }

    /** Triggers the pipeline, follows the run to its end, and again, until the load ends. */
    private void keepRunning(String pipeline, long end, long drainEnd) {
        while (System.nanoTime() < end) {
            String runId;
            long started = System.nanoTime();
            try {
                HttpResponse<String> trigger = send("POST",
                        "/api/scheduler/v1/pipelines/" + NAMESPACE + "/" + pipeline + "/runs", "application/json",
                        "{\"params\":{}}");
                if (trigger.statusCode() != 202) {
                    triggerErrors.incrementAndGet();
                    count("trigger " + trigger.statusCode());
                    sleep(1000);
                    continue;
                }
                runId = JSON.readTree(trigger.body()).path("id").asText();
                runsStarted.incrementAndGet();
            } catch (Exception e) {
                triggerErrors.incrementAndGet();
                count("trigger " + e.getClass().getSimpleName());
                sleep(1000);
                continue;
            }
            String state = "";
            while (System.nanoTime() < drainEnd) {
                sleep(250);
                try {
                    HttpResponse<String> run = send("GET", "/api/scheduler/v1/runs/" + runId, null, null);
                    if (run.statusCode() == 200) {
                        state = JSON.readTree(run.body()).path("state").asText();
                        if (state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")) {
                            break;
                        }
                    }
                } catch (Exception e) {
                    count("poll " + e.getClass().getSimpleName());
                }
            }
            switch (state) {
                case "succeeded" -> {
                    runsSucceeded.incrementAndGet();
                    runMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
                case "failed", "cancelled" -> {
                    runsFailed.incrementAndGet();
                    count("run " + state);
                }
                default -> stuck.add(runId + " (" + state + ")");
            }
        }
    }

    private void apiCall(String path) {
        long start = System.nanoTime();
        apiRequests.incrementAndGet();
        try {
            HttpResponse<String> response = send("GET", path, null, null);
            apiMicros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
            int status = response.statusCode();
            if (status >= 500) {
                api5xx.incrementAndGet();
            }
            if (status == 429) {
                api429.incrementAndGet();
            }
            if (status >= 400) {
                apiErrors.incrementAndGet();
                count("api " + status + " " + path.replaceAll("\\?.*", ""));
            }
        } catch (Exception e) {
            apiErrors.incrementAndGet();
            count("api " + e.getClass().getSimpleName());
        }
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void report(int seconds, int concurrency, int rps, int drainSeconds, PrintStream out) {
        List<Long> api = sorted(apiMicros);
        List<Long> runs = sorted(runMillis);
        out.printf(Locale.ROOT, "seconds=%d%nconcurrency=%d%nrps=%d%ndrain_seconds=%d%n", seconds, concurrency, rps,
                drainSeconds);
        out.printf(Locale.ROOT, "api.requests=%d%napi.errors=%d%napi.5xx=%d%napi.429=%d%n", apiRequests.get(),
                apiErrors.get(), api5xx.get(), api429.get());
        out.printf(Locale.ROOT, "api.p50_ms=%.1f%napi.p99_ms=%.1f%n", pct(api, 50) / 1000.0, pct(api, 99) / 1000.0);
        out.printf(Locale.ROOT, "runs.started=%d%nruns.succeeded=%d%nruns.failed=%d%nruns.stuck=%d%n",
                runsStarted.get(), runsSucceeded.get(), runsFailed.get(), stuck.size());
        out.printf(Locale.ROOT, "runs.trigger_errors=%d%n", triggerErrors.get());
        out.printf(Locale.ROOT, "runs.p50_ms=%d%nruns.p99_ms=%d%n", pct(runs, 50), pct(runs, 99));
        out.printf(Locale.ROOT, "errors=%d%n", apiErrors.get() + triggerErrors.get() + runsFailed.get()
                + stuck.size());
        errorKinds.forEach((kind, n) -> System.err.println("error kind: " + kind + " × " + n));
        stuck.forEach(run -> System.err.println("stuck run: " + run));
    }

    private void count(String kind) {
        errorKinds.merge(kind, 1L, Long::sum);
    }

    private static List<Long> sorted(ConcurrentLinkedQueue<Long> values) {
        List<Long> list = new ArrayList<>(values);
        Collections.sort(list);
        return list;
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static byte[] csv() {
        StringBuilder csv = new StringBuilder("order_id,customer,amount\n");
        for (int i = 1; i <= CSV_ROWS; i++) {
            csv.append(i).append(",c").append(i % 97).append(',').append(i % 500).append(".25\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
