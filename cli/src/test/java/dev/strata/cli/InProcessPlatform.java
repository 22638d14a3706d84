package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.Ports;
import dev.strata.devstack.quarkus.IssuerClient;

/**
 * The whole platform started in the test's JVM by the launcher's own {@link Platform} (real PostgreSQL, Kafka, S3,
 * Redis, the seven services as child JVMs), signed in as the first admin, with a small client of the gateway. Shared by
 * the suites that need the platform in-process ({@link FaultInjectionIT}, {@link SecretsLeakIT}).
 */
final class InProcessPlatform implements AutoCloseable {

    static final Duration READY_WITHIN = Duration.ofMinutes(6);

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Platform platform;
    private final String gateway;
    private final String token;
    private volatile Consumer<HttpResponse<String>> answers = r -> {
    };

    private InProcessPlatform(Platform platform, String gateway, String token) {
        this.platform = platform;
        this.gateway = gateway;
        this.token = token;
    }

    /**
     * Starts the infrastructure and every service with {@code environment} on top of the platform's own, waits until
     * each is ready and signs in as the admin. The launcher's output goes to {@code target/<logName>}.
     */
    static InProcessPlatform start(Path dataDir, String logName, Map<String, String> environment)
            throws IOException {
        Repo repo = Repo.locate();
        Path data = Files.createDirectories(dataDir);
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(Path.of("target", logName)), true);
        Platform platform = new Platform(data, log, log);
        try {
            platform.recordStarting();
            long start = System.nanoTime();
            platform.startInfrastructure();
            platform.extraEnvironment(environment);
            Set<Integer> taken = new HashSet<>();
            List<ServiceProcess> services = new ArrayList<>();
            for (String name : Services.ALL) {
                int port;
                do {
                    port = Ports.free();
                } while (!taken.add(port));
                services.add(new ServiceProcess(name, repo.serviceJar(name), port, data));
            }
            platform.startServices(services, javaBinary(), ServiceProcess.DEFAULT_JAVA_OPTS, false);
            platform.awaitReady(READY_WITHIN, start);
            String gateway = services.get(0).url();
            String token = new IssuerClient(gateway, platform.stack().secret(Platform.ADMIN_PASSWORD_KEY))
                    .adminToken();
            return new InProcessPlatform(platform, gateway, token);
        } catch (RuntimeException | Error e) {
            platform.stop();
            throw e;
        }
    }

    Platform platform() {
        return platform;
    }

    DevStack stack() {
        return platform.stack();
    }

    String gateway() {
        return gateway;
    }

    String token() {
        return token;
    }

    /** Where every service (and the launcher's infrastructure) writes its log. */
    Path logDir() {
        return platform.logDir();
    }

    /** Hands every answer the gateway gives this client to {@code consumer} (e.g. to keep them for a scan). */
    void onAnswer(Consumer<HttpResponse<String>> consumer) {
        answers = consumer;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        answers.accept(response);
        return response;
    }

    /** The JSON body of a {@code GET} that must answer 200. */
    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send("GET", path, null, null);
        if (response.statusCode() != 200) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    /** Polls the run until it succeeded, failed or was cancelled; fails the test when it has not ended in time. */
    JsonNode awaitRunEnd(String runId, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            JsonNode run = get("/api/scheduler/v1/runs/" + runId);
            if (Set.of("succeeded", "failed", "cancelled").contains(run.path("state").asText())) {
                return run;
            }
            if (System.nanoTime() > deadline) {
                fail("the run did not end within " + within.toSeconds() + " s: " + run.toPrettyString());
            }
            Thread.sleep(250);
        }
    }

    /**
     * Whether a webhook's {@code X-Strata-Signature} is the HMAC-SHA256 of {@code timestamp.body} under
     * {@code secret}, as notifier's README tells a receiver to check.
     */
    static boolean verifySignature(String secret, String timestamp, byte[] rawBody, String signatureHeader)
            throws Exception {
        if (timestamp == null || signatureHeader == null
                || Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = ("v1=" + HexFormat.of().formatHex(mac.doFinal(rawBody))).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.UTF_8));
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        platform.stop();
    }
}
