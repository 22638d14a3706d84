package dev.strata.scheduler.run;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLWarning;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.AuditRecorded;
import dev.strata.netguard.AddressGuard;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Redirects;
import dev.strata.netguard.Urls;
import dev.strata.outbox.TaskHeartbeats;
import dev.strata.outbox.TaskLogs;
import dev.strata.outbox.quarkus.Heartbeats;
import dev.strata.outbox.quarkus.TaskLogWriter;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.pipeline.PipelineDefinition.Task;
import dev.strata.scheduler.run.RunRecords.RunRow;
import dev.strata.scheduler.run.RunRecords.TaskRunRow;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;

/**
 * Runs the task types that need no worker inside the scheduler: {@code sql} against the warehouse database, logged in
 * as the pipeline namespace's own role, and {@code http} through the address guard (SSRF: internal addresses refused
 * unless allow-listed, every redirect re-checked). They report through the same state machine as workers do; if this
 * replica dies mid-task, the heartbeat timeout retries it elsewhere.
 */
@ApplicationScoped
public class LocalTasks {

    private static final Logger LOG = Logger.getLogger(LocalTasks.class);

    @Inject
    RunEngine engine;

    @Inject
    SchedulerConfig config;

    @Inject
    NamespaceRoles roles;

    @Inject
    Heartbeats heartbeats;

    @Inject
    TaskLogWriter taskLogs;

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
        TaskLogs.Attempt log = taskLogs.open(taskRunId, attempt, worker);
        long started = System.nanoTime();
        try {
            engine.onStarted(taskRunId, attempt, worker);
            Map<String, String> outputs;
            // heartbeats through Kafka like any worker's: if this replica dies, they stop and the task is retried
            try (TaskHeartbeats.Beat beat = heartbeats.start(taskRunId, attempt, worker,
                    config.heartbeatTimeout().dividedBy(4))) {
                outputs = switch (task.type()) {
                    case SQL -> {
                        log.info("sql: running as the namespace's role:\n" + bounded(task.inputs().path("sql")
                                .asText(), AUDIT_SQL_CHARS));
                        yield sql(taskRunId, attempt, task, log);
                    }
                    case HTTP -> {
                        log.info("http: " + task.inputs().path("method").asText("GET") + " "
                                + task.inputs().path("url").asText());
                        yield http(task.inputs());
                    }
                    default -> throw new IllegalStateException("not a local task type: " + task.type());
                };
            }
            log.info("succeeded in " + (System.nanoTime() - started) / 1_000_000 + " ms" + (outputs.isEmpty()
                    ? ""
                    : ", outputs " + outputs.keySet()));
            log.close(); // the last lines before the outcome
            engine.onSucceeded(taskRunId, attempt, 0, 0, outputs).ifPresent(engine::promote);
        } catch (TaskFailure e) {
            log.error("failed after " + (System.nanoTime() - started) / 1_000_000 + " ms: " + e.getMessage());
            log.close();
            engine.onFailed(taskRunId, attempt, e.getMessage(), e.retryable).ifPresent(engine::promote);
        } catch (RuntimeException e) {
            log.error("the scheduler could not run the task: " + e.getClass().getSimpleName());
            log.close();
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

    /** The most of an sql task's text that its audit entry carries. */
    static final int AUDIT_SQL_CHARS = 4096;
    /** The most of a database's error message that a task's error repeats. */
    private static final int ERROR_CHARS = 1000;

    /**
     * Runs an sql task's script as the pipeline namespace's own warehouse role ({@link NamespaceRoles#open}), never as
     * the warehouse admin or a superuser: Postgres itself refuses other namespaces' schemas, the metadata database,
     * superuser-only functions and {@code SET ROLE}. The script, one statement or several separated by {@code ;}, runs
     * in one transaction: all of it applies or none. It may run for the task's timeout, at most
     * {@code strata.scheduler.local.sql-timeout}. Every execution, successful or not, is an audit entry.
     */
    private Map<String, String> sql(UUID taskRunId, int attempt, Task task, TaskLogs.Attempt log) {
        TaskRunRow tr = engine.taskRun(taskRunId)
                .orElseThrow(() -> new TaskFailure("task run " + taskRunId + " no longer exists", false));
        RunRow run = engine.run(tr.runId())
                .orElseThrow(() -> new TaskFailure("run " + tr.runId() + " no longer exists", false));
        String namespace = run.namespace();
        String text = task.inputs().path("sql").asText();
        Duration timeout = task.timeout().compareTo(config.local().sqlTimeout()) < 0
                ? task.timeout()
                : config.local().sqlTimeout();
        Connection c;
        try {
            c = roles.open(namespace);
        } catch (SQLException | IllegalArgumentException e) {
            String state = e instanceof SQLException q ? q.getSQLState() : null;
            throw new TaskFailure("the scheduler cannot log in to the warehouse as the role of namespace '"
                    + namespace + "': " + bounded(e.getMessage(), ERROR_CHARS) + (state == null
                            ? ""
                            : " (SQL state "
                                    + state + ")"),
                    retryable(state));
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("sql", bounded(text, AUDIT_SQL_CHARS));
        details.put("role", Namespaces.role(namespace));
        details.put("pipeline", run.pipelineId());
        details.put("trigger", run.trigger());
        details.put("taskRunId", taskRunId.toString());
        details.put("attempt", Integer.toString(attempt));
        long started = System.nanoTime();
        try (c; Statement s = c.createStatement()) {
            s.execute("set statement_timeout = " + Math.max(1, timeout.toMillis()));
            c.setAutoCommit(false);
            // the driver cancels the whole script too, should the script lift its statement_timeout
            s.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (timeout.toMillis() + 999) / 1000)));
            long updated = 0;
            int statements = 0;
            boolean resultSet = s.execute(text);
            logNotices(s, log);
            while (true) {
                if (resultSet) {
                    try (ResultSet ignored = s.getResultSet()) {
                        statements++;
                    }
                } else {
                    int count = s.getUpdateCount();
                    if (count < 0) {
                        break;
                    }
                    statements++;
                    updated += count;
                }
                resultSet = s.getMoreResults();
                logNotices(s, log);
            }
            c.commit();
            details.put("outcome", "succeeded");
            details.put("statements", Integer.toString(statements));
            details.put("updateCount", Long.toString(updated));
            details.put("durationMs", Long.toString((System.nanoTime() - started) / 1_000_000));
            audit(run, task, namespace, details);
            return Map.of("updateCount", Long.toString(updated), "statements", Integer.toString(statements));
        } catch (SQLException e) {
            String state = e.getSQLState();
            String message = bounded(serverMessage(e), ERROR_CHARS);
            details.put("outcome", "failed");
            details.put("sqlState", state == null ? "" : state);
            details.put("error", message);
            details.put("durationMs", Long.toString((System.nanoTime() - started) / 1_000_000));
            audit(run, task, namespace, details);
            String at = " (SQL state " + state + ")";
            if ("42501".equals(state)) {
                throw new TaskFailure("permission denied: " + message + at + "; an sql task of namespace '"
                        + namespace + "' runs as its role " + Namespaces.role(namespace) + ", which may use only "
                        + "the schemas " + Namespaces.pgName(namespace) + "__* and tables shared with it. "
                        + "Nothing of the task was applied", false);
            }
            if ("57014".equals(state)) {
                throw new TaskFailure("the SQL ran longer than its timeout of " + RunEngine.human(timeout)
                        + " and was cancelled: " + message + at + ". Nothing of the task was applied", false);
            }
            throw new TaskFailure("the SQL failed: " + message + at + ". Nothing of the task was applied",
                    retryable(state));
        }
    }

    /**
     * What the script said (RAISE NOTICE / WARNING, the server's notices) into the task's log: a line each, a
     * multi-line message as several lines; WARNING at warn. The log's own bounds (lines per attempt, characters per
     * line) apply.
     */
    private static void logNotices(Statement s, TaskLogs.Attempt log) throws SQLException {
        for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
            String severity = "NOTICE";
            String message = w.getMessage();
            if (w instanceof PSQLWarning p && p.getServerErrorMessage() != null) {
                severity = String.valueOf(p.getServerErrorMessage().getSeverity());
                message = String.valueOf(p.getServerErrorMessage().getMessage());
            }
            String level = severity.startsWith("WARN") ? "warn" : "info";
            String prefix = "sql " + severity + ": ";
            for (String line : String.valueOf(message).split("\n", -1)) {
                log.log(level, prefix + line);
            }
        }
        s.clearWarnings();
    }

    private void audit(RunRow run, Task task, String namespace, Map<String, String> details) {
        engine.audit(new AuditRecorded("scheduler:" + run.pipelineId(), "sql.executed",
                run.id() + "/" + task.id(), namespace, details));
    }

    /** Lost connections, serialization failures and deadlocks are worth another attempt; nothing else is. */
    private static boolean retryable(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("08") || "40001".equals(sqlState) || "40P01".equals(sqlState));
    }

    /** The server's own sentence (without "ERROR:" and the position), or the driver's message. */
    private static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return String.valueOf(e.getMessage());
    }

    static String bounded(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text == null ? "" : text;
        }
        return text.substring(0, limit) + "... (" + text.length() + " characters in all)";
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
