package dev.strata.outbox.quarkus;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownEvent;

import dev.strata.outbox.TaskLogs;

/**
 * The {@link TaskLogs} of a worker service, on {@code kafka.bootstrap.servers} with the outbox's producer properties,
 * source {@code /strata/<quarkus.application.name>}. Limits: {@code strata.task-log.flush-interval} (200ms),
 * {@code .batch-lines} (200), {@code .max-line-chars} (4096), {@code .max-lines} (10000 per attempt). Made on first
 * use, closed on shutdown.
 *
 * <pre>
 * try (TaskLogs.Attempt log = taskLogs.open(taskRunId, attempt, worker)) {
 *     log.info("...");
 * }
 * </pre>
 */
@ApplicationScoped
public class TaskLogWriter {

    @Inject
    OutboxConfig outbox;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    Optional<String> bootstrapServers;

    @ConfigProperty(name = "quarkus.application.name")
    String application;

    @ConfigProperty(name = "strata.task-log.flush-interval", defaultValue = "200ms")
    Duration flushInterval;

    @ConfigProperty(name = "strata.task-log.batch-lines", defaultValue = "200")
    int batchLines;

    @ConfigProperty(name = "strata.task-log.max-line-chars", defaultValue = "4096")
    int maxLineChars;

    @ConfigProperty(name = "strata.task-log.max-lines", defaultValue = "10000")
    int maxLines;

    private TaskLogs logs; // guarded by this
    private boolean stopped; // guarded by this

    /** Opens the log of an attempt; see {@link TaskLogs#open}. Without Kafka, or after shutdown, one that keeps nothing. */
    public TaskLogs.Attempt open(UUID taskRunId, int attempt, String worker) {
        return logs().map(l -> l.open(taskRunId, attempt, worker)).orElse(TaskLogs.Attempt.NONE);
    }

    private synchronized Optional<TaskLogs> logs() {
        if (logs == null && !stopped) {
            Optional<String> servers = bootstrapServers.filter(s -> !s.isBlank());
            if (servers.isEmpty()) {
                return Optional.empty();
            }
            logs = new TaskLogs(servers.get(), "/strata/" + application, outbox.producer(),
                    new TaskLogs.Limits(flushInterval, batchLines, maxLineChars, maxLines));
        }
        return Optional.ofNullable(logs);
    }

    void onStop(@Observes ShutdownEvent event) {
        TaskLogs running;
        synchronized (this) {
            stopped = true;
            running = logs;
            logs = null;
        }
        if (running != null) {
            running.close();
        }
    }
}
