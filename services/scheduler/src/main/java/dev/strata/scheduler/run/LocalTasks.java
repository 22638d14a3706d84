package dev.strata.scheduler.run;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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

import dev.strata.outbox.TaskHeartbeats;
import dev.strata.outbox.quarkus.Heartbeats;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.pipeline.PipelineDefinition.Task;

/**
 * Runs the task types that need no worker inside the scheduler: {@code sql} against the warehouse database and
 * {@code http} with a client that refuses loopback, private and link-local addresses (SSRF). They report through the
 * same state machine as workers do; if this replica dies mid-task, the heartbeat timeout retries it elsewhere.
 */
@ApplicationScoped
public class LocalTasks {

    private static final Logger LOG = Logger.getLogger(LocalTasks.class);

    @Inject
    RunEngine engine;

    @Inject
    SchedulerConfig config;

    @Inject
    Heartbeats heartbeats;

    @ConfigProperty(name = "strata.warehouse.jdbc-url")
    Optional<String> warehouseUrl;

    @ConfigProperty(name = "strata.warehouse.username")
    Optional<String> warehouseUser;

    @ConfigProperty(name = "strata.warehouse.password")
    Optional<String> warehousePassword;

    private volatile ExecutorService executor;
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
            Map<String, String> outputs;
            // heartbeats through Kafka like any worker's: if this replica dies, they stop and the task is retried
            try (TaskHeartbeats.Beat beat = heartbeats.start(taskRunId, attempt, worker,
                    config.heartbeatTimeout().dividedBy(4))) {
                outputs = switch (task.type()) {
                    case SQL -> sql(task.inputs());
                    case HTTP -> http(task.inputs());
                    default -> throw new IllegalStateException("not a local task type: " + task.type());
                };
            }
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
        URI uri = URI.create(inputs.path("url").asText());
        checkAddress(uri);
        String method = inputs.path("method").asText("GET");
        String body = inputs.path("body").isMissingNode() ? "" : inputs.path("body").asText();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, body.isEmpty()
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        inputs.path("headers").fields().forEachRemaining(e -> request.header(e.getKey(), e.getValue().asText()));
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new TaskFailure(method + " " + uri.getHost() + " answered " + response.statusCode(),
                        response.statusCode() >= 500 || response.statusCode() == 429);
            }
            return Map.of("status", Integer.toString(response.statusCode()));
        } catch (java.io.IOException e) {
            throw new TaskFailure(method + " " + uri.getHost() + " failed: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailure("interrupted", true);
        }
    }

    private void checkAddress(URI uri) {
        if (config.local().allowPrivateNetworks()) {
            return;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                        || a.isMulticastAddress() || isUniqueLocal(a)) {
                    throw new TaskFailure("http tasks may not call " + uri.getHost()
                            + ": it resolves to a private or local address", false);
                }
            }
        } catch (UnknownHostException e) {
            throw new TaskFailure("the host " + uri.getHost() + " is unknown", true);
        }
    }

    private static boolean isUniqueLocal(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }
}
