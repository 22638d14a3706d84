package dev.strata.registry.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.StrataEvent;
import dev.strata.events.Topics;
import dev.strata.outbox.IdempotentConsumer;
import dev.strata.registry.RegistryMetrics;
import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.share.ShareService;
import dev.strata.registry.version.VersionService;

/**
 * Reads {@code DatasetUpdated} from {@value Topics#DATASET_EVENTS} (consumer group {@code strata.registry.consumer-group})
 * and records one version per event: the version and the processed-event mark commit in one transaction
 * ({@link IdempotentConsumer}), and the offset is committed after that, so a redelivered event is skipped and a
 * crash between the two re-reads an event that is then skipped.
 *
 * <p>
 * An event that cannot be decoded is logged and skipped (it would never succeed). A database failure is retried with
 * backoff from the same offset, so nothing is lost while Postgres is away.
 */
@ApplicationScoped
public class DatasetEventListener {

    static final String CONSUMER = "registry.dataset-events";
    private static final Logger LOG = Logger.getLogger(DatasetEventListener.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final RegistryConfig config;
    private final String bootstrapServers;
    private final AgroalDataSource dataSource;
    private final VersionService versions;
    private final MeterRegistry meters;
    private final ShareService shares;
    private final EventCodec codec = new EventCodec();
    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    DatasetEventListener(RegistryConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String servers,
            AgroalDataSource dataSource, VersionService versions, MeterRegistry meters, ShareService shares) {
        this.shares = shares;
        this.config = config;
        this.bootstrapServers = servers;
        this.dataSource = dataSource;
        this.versions = versions;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "registry-dataset-events-" + UUID.randomUUID().toString()
                .substring(0, 8));
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        new KafkaClientMetrics(consumer).bindTo(meters); // consumer lag for the pipelines dashboard
        running.set(true);
        thread = new Thread(this::run, "registry-dataset-events");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running.set(false);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        try (KafkaConsumer<String, byte[]> c = consumer) {
            c.subscribe(List.of(Topics.DATASET_EVENTS));
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofSeconds(1));
                ConsumerRecord<String, byte[]> failed = null;
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        handle(record);
                    } catch (RuntimeException | SQLException e) {
                        failed = record;
                        LOG.warnf("recording the event at %s-%d@%d failed, retrying in %d ms: %s", record.topic(),
                                record.partition(), record.offset(), backoff.toMillis(), e.getMessage());
                        break;
                    }
                    c.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
                if (failed != null) {
                    // back to the first unprocessed record of every partition of this batch (the failed one included)
                    for (TopicPartition partition : records.partitions()) {
                        c.seek(partition, firstUnprocessed(c, partition, records.records(partition)));
                    }
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                            ? MAX_BACKOFF
                            : backoff.multipliedBy(2);
                } else {
                    backoff = Duration.ofMillis(100);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("the dataset event consumer was woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("the dataset event consumer stopped", e);
        }
    }

    /** Where a partition's processing stands: its committed offset, or its first record of the batch. */
    private static long firstUnprocessed(KafkaConsumer<String, byte[]> c, TopicPartition partition,
            List<ConsumerRecord<String, byte[]>> batch) {
        OffsetAndMetadata committed = c.committed(java.util.Set.of(partition)).get(partition);
        long first = batch.get(0).offset();
        return committed == null ? first : Math.max(first, committed.offset());
    }

    private void handle(ConsumerRecord<String, byte[]> record) throws SQLException {
        EventEnvelope<? extends StrataEvent> decoded;
        try {
            decoded = codec.decode(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping an undecodable record at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            count("undecodable");
            return;
        }
        if (!(decoded.data() instanceof DatasetUpdated)) {
            count("ignored");
            return;
        }
        @SuppressWarnings("unchecked")
        EventEnvelope<DatasetUpdated> event = (EventEnvelope<DatasetUpdated>) decoded;
        VersionService.Outcome[] outcome = {null};
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection tx = dataSource.getConnection()) {
                boolean ran = idempotent.processOnce(tx, CONSUMER, event.id(),
                        work -> outcome[0] = versions.record(event));
                if (!ran) {
                    outcome[0] = null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("database: " + e.getMessage(), e);
            }
        });
        if (outcome[0] == VersionService.Outcome.RECORDED) {
            // a rebuilt table has lost its grants: the dataset's shares are granted again
            shares.reapply(event.data().namespace(), event.data().name());
        }
        String result = outcome[0] == null ? "duplicate_event" : outcome[0].name().toLowerCase();
        count(result);
        LOG.debugf("event %s for %s.%s: %s", event.id(), event.data().namespace(), event.data().name(), result);
    }

    private void count(String outcome) {
        meters.counter(RegistryMetrics.EVENTS_CONSUMED, "outcome", outcome).increment();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
