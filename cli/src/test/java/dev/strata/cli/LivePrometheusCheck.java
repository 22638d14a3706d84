package dev.strata.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.cli.PlatformState.Entry;
import dev.strata.observability.PromQl;
import dev.strata.observability.Promtool;

/**
 * A real Prometheus (Debian's {@code prometheus}, installed by {@link Promtool} when missing) scraping every running
 * service's {@code /q/metrics} with {@code job=<service>} (as the chart's ServiceMonitor labels them) and loading
 * {@code observability/alerts/*.yaml}; {@link #evaluate} runs every query of every dashboard panel and checks every
 * alert rule. A query must return data, or be empty for a reason in {@link #MAY_BE_EMPTY}; a rule must evaluate
 * without error (it is empty while it does not fire).
 */
final class LivePrometheusCheck implements AutoCloseable {

    /** Dashboard variables, as Grafana substitutes them. */
    private static final Map<String, String> VARIABLES = Map.of("$__rate_interval", "1m", "$__range", "15m",
            "$__interval", "15s", "$service", "gateway|auth|registry|ingest|transform|scheduler|notifier",
            "$pipeline", ".*", "$dataset", ".*");

    /**
     * What may be empty after one good pipeline run, each with the reason: a metric (every query reading it), or a
     * panel ({@code <dashboard uid> / <panel title>}).
     */
    static final Map<String, String> MAY_BE_EMPTY = Map.ofEntries(
            Map.entry("strata-pipelines / Failed runs by pipeline",
                    "the panel shows pipelines with failed runs (> 0); the run succeeded"),
            Map.entry("strata_scheduler_sla_misses_total", "no run missed its SLA"),
            Map.entry("strata_gateway_upstream_failures_total", "every request was answered"),
            Map.entry("strata_gateway_rate_limited_requests_total", "no request was rate-limited"),
            Map.entry("strata_gateway_api_token_exchanges_total", "no personal API token was used"),
            Map.entry("strata_gateway_rate_limit_unavailable_total", "Redis answered every rate-limit check"),
            Map.entry("strata_ingest_quarantined_rows_total",
                    "the panel shows datasets with quarantined rows (> 0); the load had none"),
            Map.entry("strata_transform_test_failures_total",
                    "the panel shows failing data tests (> 0); every test passed"));

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path observability;
    private final Process process;
    private final String api;

    private LivePrometheusCheck(Path observability, Process process, String api) {
        this.observability = observability;
        this.process = process;
        this.api = api;
    }

    /** Starts Prometheus on a free loopback port, scraping {@code services} every 2 s. */
    static LivePrometheusCheck start(Path work, List<Entry> services) throws Exception {
        Path observability = Path.of(System.getProperty("strata.observability.dir", "../observability"))
                .toAbsolutePath().normalize();
        Files.createDirectories(work);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.putObject("global").put("scrape_interval", "2s").put("evaluation_interval", "2s");
        ArrayNode rules = config.putArray("rule_files");
        try (Stream<Path> files = Files.list(observability.resolve("alerts"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> rules.add(f.toString()));
        }
        ArrayNode scrapes = config.putArray("scrape_configs");
        for (Entry service : services) {
            ObjectNode scrape = scrapes.addObject().put("job_name", service.name()).put("metrics_path",
                    "/q/metrics");
            scrape.putArray("static_configs").addObject().putArray("targets").add("127.0.0.1:" + service.port());
        }
        Path file = work.resolve("prometheus.yml");
        json.writeValue(file.toFile(), config); // JSON is YAML
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(Promtool.prometheus().toString(), "--config.file=" + file,
                "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        LivePrometheusCheck check = new LivePrometheusCheck(observability, process, "http://127.0.0.1:" + port
                + "/api/v1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                check.get("/status/buildinfo");
                return check;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    check.close();
                    throw new IllegalStateException("Prometheus did not start; its log: "
                            + Files.readString(work.resolve("prometheus.log")), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** The value of an expression that yields one number, e.g. {@code count(up == 1)}; NaN when it yields nothing. */
    double value(String expr) throws IOException, InterruptedException {
        JsonNode result = get("/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).path("data")
                .path("result");
        return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
    }

    /** One line of the report: what was queried and what came back. */
    record Line(String label, String status, boolean failed) {
    }

    record Report(List<Line> lines) {

        List<Line> failures() {
            return lines.stream().filter(Line::failed).toList();
        }

        @Override
        public String toString() {
            int width = lines.stream().mapToInt(l -> l.label().length()).max().orElse(0);
            StringBuilder text = new StringBuilder();
            lines.forEach(l -> text.append(String.format("%-" + width + "s  %s%n", l.label(), l.status())));
            return text.append(lines.size() - failures().size()).append(" passed, ").append(failures().size())
                    .append(" failed").toString();
        }
    }

    /**
     * Runs every dashboard query and checks every alert rule; a query that is empty without a listed reason is asked
     * again until {@code patience} has passed (a counter needs two scrapes before {@code rate()} sees it).
     */
    Report evaluate(Duration patience) throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(observability.resolve("dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = json.readTree(file.toFile());
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr").asText();
                        for (Map.Entry<String, String> variable : VARIABLES.entrySet()) {
                            expr = expr.replace(variable.getKey(), variable.getValue());
                        }
                        queries.put(dashboard.path("uid").asText() + " / " + panel.path("title").asText() + " / "
                                + target.path("refId").asText(), expr);
                    }
                }
            }
        }
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, Line> results = new LinkedHashMap<>();
        while (true) {
            boolean waiting = false;
            for (Map.Entry<String, String> query : queries.entrySet()) {
                Line previous = results.get(query.getKey());
                if (previous != null && !previous.failed()) {
                    continue;
                }
                Line line = query(query.getKey(), query.getValue());
                results.put(query.getKey(), line);
                waiting |= line.failed();
            }
            List<Line> rules = rules();
            waiting |= rules.stream().anyMatch(Line::failed);
            if (!waiting || System.nanoTime() - deadline > 0) {
                List<Line> lines = new ArrayList<>(results.values());
                lines.addAll(rules);
                return new Report(lines);
            }
            Thread.sleep(1000);
        }
    }

    private Line query(String label, String expr) throws IOException, InterruptedException {
        JsonNode answer = get("/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asText())) {
            return new Line(label, "ERROR " + answer.path("error").asText(), true);
        }
        int series = answer.path("data").path("result").size();
        if (series > 0) {
            return new Line(label, "data (" + series + " series)", false);
        }
        for (Map.Entry<String, String> panel : MAY_BE_EMPTY.entrySet()) {
            if (label.startsWith(panel.getKey() + " / ")) {
                return new Line(label, "empty: " + panel.getValue(), false);
            }
        }
        for (String metric : PromQl.metricNames(expr)) {
            if (MAY_BE_EMPTY.containsKey(metric)) {
                return new Line(label, "empty: " + MAY_BE_EMPTY.get(metric), false);
            }
        }
        return new Line(label, "EMPTY, no reason listed: " + expr, true);
    }

    /** Every alert rule, once Prometheus has evaluated it: health ok, firing or not. */
    private List<Line> rules() throws IOException, InterruptedException {
        List<Line> lines = new ArrayList<>();
        for (JsonNode group : get("/rules").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String health = rule.path("health").asText();
                lines.add(new Line("alert " + rule.path("name").asText(), rule.path("state").asText() + ", health "
                        + health + ("ok".equals(health) ? "" : " " + rule.path("lastError").asText()),
                        !"ok".equals(health)));
            }
        }
        if (lines.isEmpty()) {
            lines.add(new Line("alert rules", "none loaded", true));
        }
        return lines;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
