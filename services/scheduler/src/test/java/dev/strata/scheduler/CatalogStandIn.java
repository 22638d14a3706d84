package dev.strata.scheduler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for the registry, transform, notifier and auth (connections) APIs the scheduler asks when a pipeline is saved (their answers
 * as those services give them: a load spec or 404, a project's versions or 404, the models a selection picks, the
 * namespace's channels). The services themselves are tested against these paths in their own modules. {@link #down} makes every call fail at the
 * connection, as a service that is not running.
 */
public class CatalogStandIn implements QuarkusTestResourceLifecycleManager {

    /** Load specs by {@code namespace/name}, as JSON. */
    static final Map<String, String> SPECS = new ConcurrentHashMap<>();
    /** Projects by {@code namespace/project}. */
    static final Map<String, Boolean> PROJECTS = new ConcurrentHashMap<>();
    /** The selectors that pick a model, by {@code namespace/project/selector}. */
    static final Map<String, Boolean> SELECTORS = new ConcurrentHashMap<>();
    /** Channels by {@code namespace/name}. */
    static final Map<String, Boolean> CHANNELS = new ConcurrentHashMap<>();
    /** Connections (auth) by {@code namespace/name}. */
    static final Map<String, Boolean> CONNECTIONS = new ConcurrentHashMap<>();
    static volatile boolean down;

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("strata.scheduler.catalog.registry-url", url, "strata.scheduler.catalog.transform-url", url,
                "strata.scheduler.catalog.notifier-url", url, "strata.scheduler.catalog.auth-url", url,
                "strata.scheduler.catalog.verify", "datasets,projects,channels,connections",
                "strata.scheduler.catalog.timeout", "2s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (down) {
            exchange.close(); // no answer: the connection ends
            return;
        }
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String[] p = path.split("/");
            String body = null;
            if (path.startsWith("/api/v1/datasets/") && path.endsWith("/load-spec")) {
                body = SPECS.get(p[4] + "/" + p[5]);
            } else if (path.startsWith("/api/v1/projects/") && p.length == 6) {
                body = PROJECTS.containsKey(p[4] + "/" + p[5]) ? "[{\"version\":1}]" : null;
            } else if (path.startsWith("/api/v1/projects/") && path.endsWith("/selection")) {
                String select = java.net.URLDecoder.decode(exchange.getRequestURI().getRawQuery().split("&")[0]
                        .substring("select=".length()), StandardCharsets.UTF_8);
                if (PROJECTS.containsKey(p[4] + "/" + p[5])
                        && !SELECTORS.containsKey(p[4] + "/" + p[5] + "/" + select)) {
                    // as transform answers a selection term that matches no model
                    reply(exchange, 400, "{\"status\":400,\"detail\":\"the selector matches no model\"}");
                    return;
                }
                body = PROJECTS.containsKey(p[4] + "/" + p[5]) ? "{\"models\":[\"m\"]}" : null;
            } else if (path.startsWith("/api/v1/namespaces/") && p.length == 7 && "connections".equals(p[5])) {
                body = CONNECTIONS.containsKey(p[4] + "/" + p[6]) ? "{\"name\":\"" + p[6] + "\"}" : null;
            } else if (path.equals("/api/v1/channels")) {
                String ns = exchange.getRequestURI().getQuery().replace("namespace=", "");
                StringBuilder list = new StringBuilder("[");
                CHANNELS.keySet().stream().filter(k -> k.startsWith(ns + "/")).forEach(k -> list
                        .append(list.length() > 1 ? "," : "").append("{\"namespace\":\"").append(ns)
                        .append("\",\"name\":\"").append(k.substring(ns.length() + 1)).append("\"}"));
                body = list.append("]").toString();
            }
            reply(exchange, body == null ? 404 : 200, body == null ? "{\"status\":404}" : body);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
