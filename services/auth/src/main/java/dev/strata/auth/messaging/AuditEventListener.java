package dev.strata.auth.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.auth.audit.AuditRepository;
import dev.strata.events.AuditRecorded;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.StrataEvent;
import dev.strata.events.Topics;
import dev.strata.outbox.IdempotentConsumer;

/**
 * Writes what the data-plane services report ({@link AuditRecorded} on {@value Topics#AUDIT_EVENTS}) into the one audit
 * log, so the admins of a namespace read loads, builds, {@code sql} statements and shares beside sign-ins and grants.
 * Each event is written once: the entry and the processed-event mark commit in one transaction, then the offset is
 * committed. A database failure is retried from the same offset with backoff; nothing is lost while Postgres is away.
 */
@ApplicationScoped
public class AuditEventListener {

    static final String CONSUMER = "auth.audit-events";
    private static final Logger LOG = Logger.getLogger(AuditEventListener.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int MAX_DETAIL = 4096;

    private final String bootstrapServers;
    private final String group;
    private final AgroalDataSource dataSource;
    private final AuditRepository audit;
    private final EventCodec codec = new EventCodec();
    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    AuditEventListener(@ConfigProperty(name = "kafka.bootstrap.servers") String servers,
            @ConfigProperty(name = "strata.auth.audit-consumer-group", defaultValue = "auth") String group,
            AgroalDataSource dataSource, AuditRepository audit) {
        this.bootstrapServers = servers;
        this.group = group;
        this.dataSource = dataSource;
        this.audit = audit;
    }

    void onStart(@Observes StartupEvent event) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "auth-audit-events-" + UUID.randomUUID().toString().substring(0, 8));
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        running.set(true);
        thread = new Thread(this::run, "auth-audit-events");
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
            c.subscribe(List.of(Topics.AUDIT_EVENTS));
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofSeconds(1));
                boolean failed = false;
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                        try {
                            handle(record);
                        } catch (RuntimeException e) {
                            failed = true;
                            LOG.warnf("writing the audit event at %s-%d@%d failed, retrying in %d ms: %s",
                                    record.topic(), record.partition(), record.offset(), backoff.toMillis(),
                                    e.getMessage());
                            c.seek(partition, record.offset());
                            break;
                        }
                        c.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
                    }
                    if (failed) {
                        break;
                    }
                }
                if (failed) {
                    // the other partitions of the batch restart from their committed offsets
                    for (TopicPartition partition : records.partitions()) {
                        OffsetAndMetadata committed = c.committed(java.util.Set.of(partition)).get(partition);
                        if (committed != null) {
                            c.seek(partition, committed.offset());
                        }
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
                LOG.error("the audit event consumer was woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("the audit event consumer stopped", e);
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        EventEnvelope<? extends StrataEvent> decoded;
        try {
            decoded = codec.decode(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping an undecodable record at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (!(decoded.data() instanceof AuditRecorded entry)) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        entry.details().forEach((k, v) -> details.put(k, v != null && v.length() > MAX_DETAIL
                ? v.substring(0, MAX_DETAIL) + "..."
                : v));
        details.put("source", decoded.source());
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection tx = dataSource.getConnection()) {
                idempotent.processOnce(tx, CONSUMER, decoded.id(), work -> audit.insert(entry.actor(),
                        entry.action(), entry.target(), entry.namespace(), details, null, decoded.id().toString()));
            } catch (SQLException e) {
                throw new IllegalStateException("database: " + e.getMessage(), e);
            }
        });
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
