package dev.strata.registry.messaging;

import java.sql.Connection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;
import dev.strata.outbox.quarkus.EventConsumers;
import dev.strata.registry.RegistryMetrics;
import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.share.ShareService;
import dev.strata.registry.version.VersionService;

/**
 * Records one version per {@code DatasetUpdated} from {@value Topics#DATASET_EVENTS} (consumer group
 * {@code strata.registry.consumer-group}). The consumer loop, its commit, retry and dead-letter policy are libs/outbox's
 * {@link EventConsumers}: the version commits with the event's processed mark, so a redelivered event adds nothing.
 * After a version is recorded, the dataset's shares are granted again (a rebuilt table has lost its grants).
 */
@ApplicationScoped
public class DatasetEventListener implements EventConsumers.Handler {

    static final String CONSUMER = "registry.dataset-events";
    private static final Logger LOG = Logger.getLogger(DatasetEventListener.class);

    private final RegistryConfig config;
    private final EventConsumers consumers;
    private final VersionService versions;
    private final MeterRegistry meters;
    private final ShareService shares;

    DatasetEventListener(RegistryConfig config, EventConsumers consumers, VersionService versions,
            MeterRegistry meters, ShareService shares) {
        this.config = config;
        this.consumers = consumers;
        this.versions = versions;
        this.meters = meters;
        this.shares = shares;
    }

    void onStart(@Observes StartupEvent event) {
        consumers.start(CONSUMER, config.consumerGroup(), List.of(Topics.DATASET_EVENTS), this);
    }

    @Override
    public boolean accepts(EventEnvelope<?> event) {
        if (event.data() instanceof DatasetUpdated) {
            return true;
        }
        count("ignored");
        return false;
    }

    @Override
    public Runnable handle(EventEnvelope<?> envelope, Connection tx) {
        DatasetUpdated data = (DatasetUpdated) envelope.data();
        @SuppressWarnings("unchecked")
        VersionService.Outcome outcome = versions.record((EventEnvelope<DatasetUpdated>) envelope);
        String result = outcome.name().toLowerCase();
        LOG.debugf("event %s for %s.%s: %s", envelope.id(), data.namespace(), data.name(), result);
        return () -> {
            count(result);
            if (outcome == VersionService.Outcome.RECORDED) {
                shares.reapply(data.namespace(), data.name());
            }
        };
    }

    private void count(String outcome) {
        meters.counter(RegistryMetrics.EVENTS_CONSUMED, "outcome", outcome).increment();
    }
}
