package dev.strata.outbox.quarkus;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The outbox relay of a service: {@code strata.outbox.*}. The Kafka address is {@code kafka.bootstrap.servers}. */
@ConfigMapping(prefix = "strata.outbox")
public interface OutboxConfig {

    /**
     * Whether this service runs a relay. Every replica may run one: an advisory lock lets one publish at a time, the
     * others take over when it stops.
     */
    @WithDefault("true")
    boolean enabled();

    /** How long an idle relay waits before looking for new rows; a commit through {@link Outbox} wakes it at once. */
    @WithDefault("200ms")
    Duration pollInterval();

    /** Rows per round (one transaction and one wait for Kafka's acknowledgements). */
    @WithDefault("500")
    int batchSize();

    /** How long Kafka may take to acknowledge a round before it is rolled back and retried. */
    @WithDefault("10s")
    Duration deliveryTimeout();

    /** The longest wait between failed rounds. */
    @WithDefault("5s")
    Duration maxBackoff();

    /** How long published rows stay in the outbox table (for inspection) before they are deleted. */
    @WithDefault("P7D")
    Duration retention();

    /** How long processed-event marks are kept; longer than the retention of the topics this service consumes. */
    @WithDefault("P14D")
    Duration dedupeRetention();

    /** How often old rows are deleted. */
    @WithDefault("15m")
    Duration cleanupInterval();

    /** Extra Kafka producer properties, e.g. {@code strata.outbox.producer."security.protocol"=SSL}. */
    Map<String, String> producer();
}
