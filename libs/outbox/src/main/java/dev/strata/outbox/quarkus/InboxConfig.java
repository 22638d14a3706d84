package dev.strata.outbox.quarkus;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The service's Kafka consumers ({@link EventConsumers}): {@code strata.inbox.*}. */
@ConfigMapping(prefix = "strata.inbox")
public interface InboxConfig {

    /** Tries of one event before it goes to the dead letters (failures of an unreachable database do not count). */
    @WithDefault("5")
    int maxAttempts();

    /** The wait after the first failure; it doubles with each failure in a row. */
    @WithDefault("100ms")
    Duration initialBackoff();

    /** The longest wait between tries. */
    @WithDefault("5s")
    Duration maxBackoff();

    /**
     * Offsets of handled events are committed at most this often (always after the handler's transaction committed;
     * and at once when partitions are revoked and at shutdown). Zero: after each poll.
     */
    @WithDefault("0s")
    Duration commitInterval();
}
