package dev.strata.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonObject;

/**
 * A stand-in for any Strata service: answers every request with what it received (method, URI, headers, body size and
 * SHA-256 of the body), reading the body as it streams. {@code GET /__progress?id=X} tells how many bytes of the
 * upload with {@code X-Upload-Id: X} have arrived so far; a path ending in {@code /slow} answers after 4 s;
 * {@code /q/openapi} is the service's OpenAPI document ({@link #description()}).
 */
public final class EchoService {

    private final String name;
    private final HttpServer server;
    private final Map<String, AtomicLong> progress = new ConcurrentHashMap<>();
    /** How often {@code /q/openapi} was asked for ({@code GET /__openapi-requests}). */
    private final AtomicLong descriptions = new AtomicLong();

    private EchoService(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "echo-" + name);
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static EchoService start(String name) {
        try {
            return new EchoService(name);
        } catch (IOException e) {
            throw new IllegalStateException("the test service " + name + " could not start", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/__progress")) {
                String id = exchange.getRequestURI().getQuery().substring("id=".length());
                AtomicLong received = progress.get(id);
                respond(exchange, 200, new JsonObject().put("bytes", received == null ? 0 : received.get()));
                return;
            }
            if (path.equals("/__openapi-requests")) {
                respond(exchange, 200, new JsonObject().put("count", descriptions.get()));
                return;
            }
            if (path.equals("/q/openapi")) {
                descriptions.incrementAndGet();
                respond(exchange, 200, description());
                return;
            }
            answer(exchange, name);
        }
    }

    /**
     * A service's own OpenAPI document, as Quarkus publishes it: one path under {@code /api} (named after the service),
     * one that the gateway does not route, a schema called {@code Thing} in every service (a name two services share),
     * a global security requirement.
     */
    JsonObject description() {
        JsonObject thing = new JsonObject().put("$ref", "#/components/schemas/Thing");
        JsonObject list = new JsonObject().put("operationId", "listThings")
                .put("parameters", new io.vertx.core.json.JsonArray()
                        .add(new JsonObject().put("name", "limit").put("in", "query"))
                        .add(new JsonObject().put("name", "after").put("in", "query")))
                .put("responses", new JsonObject().put("200", new JsonObject().put("description", "the things")
                        .put("content", new JsonObject().put("application/json", new JsonObject()
                                .put("schema", new JsonObject().put("type", "array").put("items", thing))))));
        return new JsonObject()
                .put("openapi", "3.1.0")
                .put("info", new JsonObject().put("title", "Strata " + name).put("version", "1.0"))
                .put("paths", new JsonObject()
                        .put("/api/v1/" + name + "-things", new JsonObject().put("get", list))
                        .put("/q/health/live", new JsonObject().put("get", new JsonObject()
                                .put("responses", new JsonObject()))))
                .put("components", new JsonObject()
                        .put("schemas", new JsonObject().put("Thing", new JsonObject().put("type", "object")
                                .put("properties", new JsonObject().put("kind", new JsonObject().put("const", name)))))
                        .put("securitySchemes", new JsonObject().put("jwt", new JsonObject().put("type", "http")
                                .put("scheme", "bearer"))))
                .put("security", new io.vertx.core.json.JsonArray().add(new JsonObject().put("jwt",
                        new io.vertx.core.json.JsonArray())));
    }

    /** Reads the body as it comes and answers with what arrived. */
    void answer(HttpExchange exchange, String service) throws IOException {
        String uploadId = exchange.getRequestHeaders().getFirst("X-Upload-Id");
        AtomicLong received = uploadId == null
                ? new AtomicLong()
                : progress.computeIfAbsent(uploadId,
                        k -> new AtomicLong());
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                received.addAndGet(n);
            }
        }
        if (exchange.getRequestURI().getPath().endsWith("/slow")) {
            try {
                Thread.sleep(4_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        JsonObject headers = new JsonObject();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                String.join(", ", v)));
        JsonObject body = new JsonObject()
                .put("service", service)
                .put("method", exchange.getRequestMethod())
                .put("uri", exchange.getRequestURI().toString())
                .put("headers", headers)
                .put("bytes", received.get())
                .put("sha256", HexFormat.of().formatHex(sha.digest()));
        // a service's own policy: the gateway's replaces it
        exchange.getResponseHeaders().put("Content-Security-Policy", List.of("default-src *"));
        exchange.getResponseHeaders().put("X-Served-By", List.of(service));
        respond(exchange, 200, body);
    }

    static void respond(HttpExchange exchange, int status, JsonObject json) throws IOException {
        byte[] bytes = json.encode().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().put("Content-Type", List.of("application/json"));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
