package dev.strata.scheduler.run;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.netguard.AddressGuard;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Redirects;
import dev.strata.netguard.Urls;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.pipeline.PipelineDefinition.Task;

/**
 * Runs the task types that need no worker inside the scheduler: {@code sql} against the warehouse database and
 * {@code http} through the address guard (SSRF: internal addresses refused unless allow-listed, every redirect
 * re-checked). They report through the same state machine as workers do; if this replica dies mid-task, the
 * heartbeat timeout retries it elsewhere.
 */
@ApplicationScoped
public class LocalTasks {

    private static final Logger LOG = Logger.getLogger(LocalTasks.class);

    @Inject
    RunEngine engine;

    @Inject
    SchedulerConfig config;

    @ConfigProperty(name = "strata.warehouse.jdbc-url")
    Optional<String> warehouseUrl;

    @ConfigProperty(name = "strata.warehouse.username")
    Optional<String> warehouseUser;

    @ConfigProperty(name = "strata.warehouse.password")
    Optional<String> warehousePassword;

    private static final int MAX_REDIRECTS = 5;

    private volatile ExecutorService executor;
    private volatile AddressGuard guard;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private synchronized ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newFixedThreadPool(config.local().threads(), r -> {
                Thread t = new Thread(r, "scheduler-local-task");
                t.setDaemon(true);
                return t;
            });
        }
        return executor;
    }

    /** Reads the allow-list at start: a bad entry stops the service instead of failing the first http task. */
    void onStart(@Observes StartupEvent event) {
        guard();
    }

    void onStop(@Observes ShutdownEvent event) {
        ExecutorService e = executor;
        if (e != null) {
            e.shutdownNow();
        }
    }

    /** Runs the attempt on a pool thread (called after the dispatching transaction committed). */
    public void submit(UUID taskRunId, UUID runId, int attempt, Task task) {
        executor().submit(() -> run(taskRunId, attempt, task));
    }

    private void run(UUID taskRunId, int attempt, Task task) {
        String worker = "scheduler-local:" + config.instance().orElse("local");
        try {
            engine.onStarted(taskRunId, attempt, worker);
            Map<String, String> outputs = switch (task.type()) {
                case SQL -> sql(task.inputs());
                case HTTP -> http(task.inputs());
                default -> throw new IllegalStateException("not a local task type: " + task.type());
            };
            engine.onSucceeded(taskRunId, attempt, 0, 0, outputs).ifPresent(engine::promote);
        } catch (TaskFailure e) {
            engine.onFailed(taskRunId, attempt, e.getMessage(), e.retryable).ifPresent(engine::promote);
        } catch (RuntimeException e) {
            LOG.warnf(e, "local task %s failed", taskRunId);
            engine.onFailed(taskRunId, attempt, "the scheduler could not run the task: " + e.getClass().getSimpleName(),
                    true)
                    .ifPresent(engine::promote);
        }
    }

    private static final class TaskFailure extends RuntimeException {
        final boolean retryable;

        TaskFailure(String message, boolean retryable) {
            super(message, null, false, false);
            this.retryable = retryable;
        }
    }

    private Map<String, String> sql(JsonNode inputs) {
        String url = warehouseUrl.orElseThrow(() -> new TaskFailure(
                "sql tasks need the warehouse database: set strata.warehouse.jdbc-url", false));
        try (Connection c = DriverManager.getConnection(url, warehouseUser.orElse(null),
                warehousePassword.orElse(null)); Statement s = c.createStatement()) {
            boolean resultSet = s.execute(inputs.path("sql").asText());
            long count = resultSet ? -1 : s.getUpdateCount();
            return Map.of("updateCount", Long.toString(count));
        } catch (SQLException e) {
            throw new TaskFailure("the SQL failed: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")",
                    e.getSQLState() != null && e.getSQLState().startsWith("08"));
        }
    }

    private Map<String, String> http(JsonNode inputs) {
        URI uri;
        HttpRequest.Builder request;
        String method = inputs.path("method").asText("GET");
        try {
            uri = Urls.http(inputs.path("url").asText(null), "inputs.url");
            String body = inputs.path("body").isMissingNode() ? "" : inputs.path("body").asText();
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .method(method, body.isEmpty()
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            inputs.path("headers").fields().forEachRemaining(e -> builder.header(e.getKey(), e.getValue().asText()));
            request = builder;
        } catch (AddressRefusedException e) {
            throw new TaskFailure("http task: " + e.getMessage(), false);
        } catch (IllegalArgumentException e) {
            throw new TaskFailure("http task: the request cannot be sent: " + e.getMessage(), false);
        }
        try {
            HttpResponse<Void> response = Redirects.send(http, request.build(), HttpResponse.BodyHandlers.discarding(),
                    guard(), MAX_REDIRECTS);
            if (response.statusCode() / 100 != 2) {
                throw new TaskFailure(method + " " + response.uri().getHost() + " answered " + response.statusCode(),
                        response.statusCode() >= 500 || response.statusCode() == 429);
            }
            return Map.of("status", Integer.toString(response.statusCode()));
        } catch (AddressRefusedException e) {
            throw new TaskFailure("http task: " + e.getMessage(), e.retryable());
        } catch (java.io.IOException e) {
            throw new TaskFailure(method + " " + uri.getHost() + " failed: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailure("interrupted", true);
        }
    }

    /** The address guard of http tasks: the allow-list, or every address with allow-private-networks. */
    private AddressGuard guard() {
        AddressGuard g = guard;
        if (g == null) {
            List<String> allowed = config.local().allowPrivateNetworks()
                    ? List.of("0.0.0.0/0", "::/0")
                    : config.local().allowedHosts().orElse(List.of());
            g = AddressGuard.of(allowed, "strata.scheduler.local.allowed-hosts");
            guard = g;
        }
        return g;
    }
}
