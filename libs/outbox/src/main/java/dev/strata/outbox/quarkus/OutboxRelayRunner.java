package dev.strata.outbox.quarkus;

import java.util.Collection;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.OutboxRelay;

/**
 * Runs the {@link OutboxRelay} of the service from startup to shutdown, on the default datasource and
 * {@code kafka.bootstrap.servers}, unless {@code strata.outbox.enabled=false}.
 */
@ApplicationScoped
public class OutboxRelayRunner {

    private static final Logger LOG = Logger.getLogger(OutboxRelayRunner.class);

    @Inject
    OutboxConfig config;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    Optional<String> bootstrapServers;

    private volatile OutboxRelay relay;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("outbox relay disabled (strata.outbox.enabled=false); events stay in the outbox table");
            return;
        }
        String servers = bootstrapServers.filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalStateException("the outbox relay needs kafka.bootstrap.servers; set it, "
                        + "or set strata.outbox.enabled=false if this replica must not publish"));
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults(servers)
                .withPollInterval(config.pollInterval())
                .withBatchSize(config.batchSize())
                .withDeliveryTimeout(config.deliveryTimeout())
                .withMaxBackoff(config.maxBackoff())
                .withRetention(config.retention())
                .withDedupeRetention(config.dedupeRetention())
                .withCleanupInterval(config.cleanupInterval())
                .withProducerProperties(config.producer());
        OutboxRelay started = new OutboxRelay(dataSource, settings);
        started.start();
        relay = started;
    }

    void onStop(@Observes ShutdownEvent event) {
        OutboxRelay running = relay;
        relay = null;
        if (running != null) {
            running.stop();
        }
    }

    /** Makes the relay look for new rows now; a no-op when it is disabled. */
    public void wakeUp() {
        OutboxRelay running = relay;
        if (running != null) {
            running.wakeUp();
        }
    }

    /** See {@link OutboxRelay#claim}; a no-op when the relay is disabled (its rows then wait for a relay). */
    public void claim(Collection<OutboxMessage> messages) {
        OutboxRelay running = relay;
        if (running != null) {
            running.claim(messages);
        }
    }

    /** See {@link OutboxRelay#release}. */
    public void release(Collection<OutboxMessage> messages) {
        OutboxRelay running = relay;
        if (running != null) {
            running.release(messages);
        }
    }

    /** See {@link OutboxRelay#sendNow}. */
    public void sendNow(Collection<OutboxMessage> messages) {
        OutboxRelay running = relay;
        if (running != null) {
            running.sendNow(messages);
        }
    }

    /** The running relay (for health checks and metrics), empty when disabled or stopped. */
    public Optional<OutboxRelay> relay() {
        return Optional.ofNullable(relay);
    }
}
