package dev.strata.outbox.quarkus;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownEvent;

import dev.strata.outbox.TaskHeartbeats;

/**
 * The {@link TaskHeartbeats} of a worker service, on {@code kafka.bootstrap.servers} with the outbox's producer
 * properties ({@code strata.outbox.producer.*}, e.g. TLS), source {@code /strata/<quarkus.application.name>}. Made on
 * first use, closed on shutdown.
 *
 * <pre>
 * try (TaskHeartbeats.Beat beat = heartbeats.start(taskRunId, attempt, worker, config.heartbeatInterval())) {
 *     result = work.run();
 * }
 * // then the outcome, through the outbox
 * </pre>
 */
@ApplicationScoped
public class Heartbeats {

    @Inject
    OutboxConfig outbox;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    Optional<String> bootstrapServers;

    @ConfigProperty(name = "quarkus.application.name")
    String application;

    private TaskHeartbeats heartbeats; // guarded by this
    private boolean stopped; // guarded by this

    /**
     * Starts the heartbeats of an attempt; see {@link TaskHeartbeats#start}. Without Kafka configured, or after
     * shutdown, a beat that sends nothing.
     */
    public TaskHeartbeats.Beat start(UUID taskRunId, int attempt, String worker, Duration interval) {
        return heartbeats().map(h -> h.start(taskRunId, attempt, worker, interval))
                .orElseGet(() -> TaskHeartbeats.Beat.NONE);
    }

    /** The running heartbeats (for metrics and tests), empty before the first beat or without Kafka. */
    public synchronized Optional<TaskHeartbeats> current() {
        return Optional.ofNullable(heartbeats);
    }

    private synchronized Optional<TaskHeartbeats> heartbeats() {
        if (heartbeats == null && !stopped) {
            Optional<String> servers = bootstrapServers.filter(s -> !s.isBlank());
            if (servers.isEmpty()) {
                return Optional.empty();
            }
            heartbeats = new TaskHeartbeats(servers.get(), "/strata/" + application, outbox.producer());
        }
        return Optional.ofNullable(heartbeats);
    }

    void onStop(@Observes ShutdownEvent event) {
        TaskHeartbeats running;
        synchronized (this) {
            stopped = true;
            running = heartbeats;
            heartbeats = null;
        }
        if (running != null) {
            running.close(); // outside the lock: close waits for the producer
        }
    }
}
