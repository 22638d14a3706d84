package dev.strata.deploy.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The few Kubernetes API endpoints that the chart's {@code lookup} calls reach, on loopback.
 * <p>
 * helm-java's {@code template} renders like {@code helm install --dry-run=server}: {@code lookup} asks the cluster of
 * the current kubeconfig. The build points {@code KUBECONFIG} at a file that this class writes (surefire sets the
 * variable), so the chart's lookups land here and never on a real cluster. By default every Secret is absent (a
 * first install); {@link #storeSecret} plays an upgrade, where the release's generated Secrets already exist.
 */
final class FakeKubernetesApi {

    private static FakeKubernetesApi instance;

    private final HttpServer server;
    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    private FakeKubernetesApi(Path kubeconfig) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        Files.createDirectories(kubeconfig.getParent());
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: fake
                    cluster:
                      server: http://127.0.0.1:%d
                contexts:
                  - name: fake
                    context:
                      cluster: fake
                      user: fake
                current-context: fake
                users:
                  - name: fake
                    user: {}
                """.formatted(server.getAddress().getPort()));
    }

    /** Started once per test JVM; fails when KUBECONFIG does not point where the build says (a real cluster). */
    static synchronized FakeKubernetesApi get() {
        if (instance == null) {
            String expected = System.getProperty("strata.fake.kubeconfig");
            String actual = System.getenv("KUBECONFIG");
            if (expected == null || !expected.equals(actual)) {
                throw new IllegalStateException("KUBECONFIG must be " + expected + " (set by the build's surefire "
                        + "configuration) so that the chart's lookups reach a fake API, never a real cluster; it is "
                        + actual + ". Run the tests with ./mvnw -pl deploy/helm-tests verify.");
            }
            try {
                instance = new FakeKubernetesApi(Path.of(expected));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Makes a Secret exist, as after a first install. Values in plain text. */
    void storeSecret(String namespace, String name, Map<String, String> data) {
        secrets.put(namespace + "/" + name, Map.copyOf(data));
    }

    void clear() {
        secrets.clear();
        requests.clear();
    }

    /** Paths requested since the last {@link #clear()}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, status(405, "MethodNotAllowed", "read only"));
            } else if (path.equals("/api/v1")) {
                ObjectNode list = json.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                        .put("groupVersion", "v1");
                list.putArray("resources").addObject().put("name", "secrets").put("singularName", "secret")
                        .put("namespaced", true).put("kind", "Secret").putArray("verbs").add("get").add("list");
                send(exchange, 200, list);
            } else if (path.matches("/api/v1/namespaces/[^/]+/secrets/[^/]+")) {
                String[] parts = path.split("/");
                Map<String, String> data = secrets.get(parts[4] + "/" + parts[6]);
                if (data == null) {
                    send(exchange, 404, status(404, "NotFound", "secrets \"" + parts[6] + "\" not found"));
                } else {
                    ObjectNode secret = json.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
                    secret.putObject("metadata").put("name", parts[6]).put("namespace", parts[4]);
                    ObjectNode encoded = secret.putObject("data");
                    data.forEach((key, value) -> encoded.put(key,
                            Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
                    send(exchange, 200, secret);
                }
            } else {
                send(exchange, 404, status(404, "NotFound", "the fake API serves Secrets only"));
            }
        }
    }

    private ObjectNode status(int code, String reason, String message) {
        return json.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("reason", reason).put("code", code).put("message", message);
    }

    private void send(HttpExchange exchange, int code, ObjectNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
