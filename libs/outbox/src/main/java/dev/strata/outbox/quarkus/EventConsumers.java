package dev.strata.outbox.quarkus;

import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;

import dev.strata.events.EventEnvelope;
import dev.strata.outbox.DeadLetters;
import dev.strata.outbox.EventConsumer;
import dev.strata.outbox.IdempotentConsumer;
import dev.strata.outbox.Tracing;

/**
 * Starts the service's {@link EventConsumer}s with one policy ({@code strata.inbox.*}), their dead letters in the
 * service's {@code dead_letter} table and on the dead-letter topic, their lag in the metrics, and stops them at
 * shutdown. A service's {@code messaging/} class calls {@link #start(String, String, Collection, Handler)} on startup
 * with a {@link Handler}: the handler runs once per event, in a transaction with the event's processed mark.
 */
@ApplicationScoped
public class EventConsumers {

    private static final Logger LOG = Logger.getLogger(EventConsumers.class);

    /** A service's handling of one event, in a transaction that also holds the event's processed mark. */
    public interface Handler {

        /** Whether the event concerns this handler at all; the others are skipped without a transaction. */
        default boolean accepts(EventEnvelope<?> event) {
            return true;
        }

        /**
         * Applies the event with {@code tx} (a connection of the transaction the mark is in). Throws to roll both
         * back and have the event retried.
         *
         * @return what to do once the transaction committed (wake a worker, say), or null
         */
        Runnable handle(EventEnvelope<?> event, Connection tx) throws Exception;
    }

    @Inject
    InboxConfig config;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    OutboxRelayRunner relay;
    @Inject
    Instance<MeterRegistry> meters;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    Optional<String> bootstrapServers;
    @ConfigProperty(name = "quarkus.application.name")
    String application;

    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private final List<EventConsumer> running = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    /** The settings every consumer of this service starts from. */
    public EventConsumer.Settings settings(String name, String group, Collection<String> topics) {
        return EventConsumer.Settings.of(name, bootstrapServers.orElse(""), group, topics)
                .withRetry(config.maxAttempts(), config.initialBackoff(), config.maxBackoff())
                .withCommitInterval(config.commitInterval());
    }

    /**
     * Starts a consumer named {@code name} (also the processed-mark consumer name) in {@code group} on
     * {@code topics}: each event the handler accepts is handled once, in its own transaction with its mark, in the
     * trace of the record. Empty without {@code kafka.bootstrap.servers}.
     */
    public Optional<EventConsumer> start(String name, String group, Collection<String> topics, Handler handler) {
        return start(settings(name, group, topics), handler);
    }

    /** As {@link #start(String, String, Collection, Handler)} with settings of the caller's. */
    public Optional<EventConsumer> start(EventConsumer.Settings settings, Handler handler) {
        String name = settings.name();
        return startBatches(settings, events -> {
            for (EventConsumer.Received received : events) {
                if (!handler.accepts(received.event())) {
                    continue;
                }
                try (Tracing.Resumed trace = Tracing.resume(received.record().headers())) {
                    Runnable after = QuarkusTransaction.requiringNew().call(() -> once(name, received, handler));
                    if (after != null) {
                        after.run();
                    }
                }
            }
        });
    }

    /**
     * Starts a consumer with a batch handler of its own, which marks the events itself (and resumes their traces);
     * see {@link EventConsumer}. Empty without {@code kafka.bootstrap.servers}.
     */
    public Optional<EventConsumer> startBatches(EventConsumer.Settings settings, EventConsumer.Handler handler) {
        if (bootstrapServers.filter(s -> !s.isBlank()).isEmpty()) {
            LOG.warnf("kafka.bootstrap.servers is not set: %s consumes nothing", settings.name());
            return Optional.empty();
        }
        if (stopped) {
            return Optional.empty();
        }
        EventConsumer consumer = new EventConsumer(settings, handler, deadLetters(), kafka -> {
            if (meters.isResolvable()) {
                new KafkaClientMetrics(kafka).bindTo(meters.get()); // the consumer lag, among others
            }
        });
        running.add(consumer);
        return Optional.of(consumer.start());
    }

    /** The dead letters of this service's consumers. */
    public DeadLetters deadLetters() {
        return new DeadLetters(dataSource, () -> {
            relay.wakeUp();
            if (meters.isResolvable()) {
                meters.get().counter("strata." + application + ".dead.letters").increment();
            }
        });
    }

    /** Name of the dead-letter counter in Prometheus: {@code strata_<service>_dead_letters_total}. */
    public String deadLetterMetric() {
        return "strata_" + application + "_dead_letters_total";
    }

    private Runnable once(String name, EventConsumer.Received received, Handler handler) throws Exception {
        try (Connection tx = dataSource.getConnection()) {
            if (!idempotent.markProcessed(tx, name, received.event().id())) {
                return null; // handled before
            }
            return handler.handle(received.event(), tx);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        for (EventConsumer consumer : running) {
            consumer.close();
        }
        running.clear();
    }

    /** For tests: applies a function to each running consumer. */
    <T> List<T> each(Function<EventConsumer, T> f) {
        return running.stream().map(f).toList();
    }
}
