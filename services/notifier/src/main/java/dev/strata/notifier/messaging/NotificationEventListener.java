package dev.strata.notifier.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.NotificationRequested;
import dev.strata.events.StrataEvent;
import dev.strata.events.Topics;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.delivery.DeliveryRepository;
import dev.strata.notifier.delivery.DeliverySender;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.subscription.Subscription;
import dev.strata.notifier.subscription.SubscriptionRepository;
import dev.strata.outbox.IdempotentConsumer;
import dev.strata.web.db.Db;

/**
 * Consumes run events ({@code strata.events.run}) and quality events ({@code strata.events.quality}) and turns each
 * into one delivery per matching subscription. Per event, in one database transaction: the idempotent-consumer mark
 * (libs/outbox) and the deliveries, so a redelivered event (Kafka is at least once) adds nothing. Offsets are
 * committed after that transaction; a failure seeks back and the event is handled again.
 */
@Singleton
public class NotificationEventListener {

    static final String CONSUMER = "notifier.events";

    private static final Logger LOG = Logger.getLogger(NotificationEventListener.class);

    private final Db db;
    private final DeliverySender sender;
    private final NotifierConfig config;
    private final String bootstrapServers;
    private final EventCodec codec = new EventCodec();
    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread loop;
    private final MeterRegistry meters;
    private final NotifyTaskOutcome taskOutcome;

    NotificationEventListener(Db db, DeliverySender sender, NotifierConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, MeterRegistry meters,
            NotifyTaskOutcome taskOutcome) {
        this.meters = meters;
        this.taskOutcome = taskOutcome;
        this.db = db;
        this.sender = sender;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    void start(@Observes StartupEvent event) {
        if (!config.consumer().enabled()) {
            return;
        }
        running = true;
        loop = new Thread(this::run, "notifier-events");
        loop.setDaemon(true);
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (loop != null) {
            try {
                loop.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumer().group());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "strata-notifier");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer()); KafkaClientMetrics lag = new KafkaClientMetrics(c)) {
            lag.bindTo(meters); // consumer lag for the pipelines dashboard
            consumer = c;
            c.subscribe(List.of(Topics.RUN_EVENTS, Topics.QUALITY_EVENTS));
            Duration backoff = Duration.ofMillis(100);
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                if (handle(c, records)) {
                    backoff = Duration.ofMillis(100);
                } else {
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                            ? Duration.ofSeconds(5)
                            : backoff.multipliedBy(2);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the event consumer stopped", e);
        }
    }

    /**
     * Handles a batch in order. On a failure, the failed record's partition is rewound to it (the rest of that
     * partition is skipped for now, so order holds) and the handled records' offsets are committed.
     *
     * @return false if a record failed
     */
    private boolean handle(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        Set<TopicPartition> failed = new HashSet<>();
        boolean created = false;
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (failed.contains(tp)) {
                continue;
            }
            try {
                created |= handle(record);
                done.put(tp, new OffsetAndMetadata(record.offset() + 1));
            } catch (RuntimeException e) {
                LOG.warnf("event at %s-%d offset %d could not be handled (%s: %s); it is retried", record.topic(),
                        record.partition(), record.offset(), e.getClass().getSimpleName(), e.getMessage());
                failed.add(tp);
                c.seek(tp, record.offset());
            }
        }
        if (created) {
            sender.wakeUp();
        }
        if (!done.isEmpty()) {
            c.commitSync(done);
        }
        return failed.isEmpty();
    }

    /** @return whether deliveries were created */
    private boolean handle(ConsumerRecord<String, byte[]> record) {
        EventEnvelope<? extends StrataEvent> envelope;
        try {
            envelope = codec.decode(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping an unreadable event at %s-%d offset %d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return false;
        }
        var notification = Notification.of(envelope, config.publicBaseUrl());
        if (notification.isEmpty()) {
            return false; // e.g. RunStarted: nothing to tell
        }
        Notification n = notification.get();
        String body = write(n);
        boolean[] reported = {false};
        boolean created = db.inTransaction(tx -> {
            boolean[] any = {false};
            idempotent.processOnce(tx, CONSUMER, envelope.id(), work -> {
                if (envelope.data() instanceof NotificationRequested requested) {
                    // a pipeline names its channel: no subscription needed, the channel must be in its namespace
                    List<UUID[]> channel = Db.list(work, "SELECT id FROM channel WHERE namespace = ? AND name = ?",
                            rs -> new UUID[]{Db.uuid(rs, "id")}, requested.namespace(), requested.channel());
                    if (channel.isEmpty()) {
                        LOG.warnf("pipeline %s/%s asked for channel '%s', which does not exist in its namespace; "
                                + "nothing sent", requested.namespace(), requested.pipelineId(),
                                requested.channel());
                        // a notify task fails with the reason, so its run does not succeed silently
                        taskOutcome.failed(work, envelope.id(), requested, "channel '" + requested.channel()
                                + "' does not exist in namespace '" + requested.namespace() + "'");
                        reported[0] |= requested.taskRunId() != null;
                        return;
                    }
                    UUID channelId = channel.get(0)[0];
                    int max = Db.list(work, "SELECT coalesce(max_attempts, ?) FROM channel WHERE id = ?",
                            rs -> rs.getInt(1), config.delivery().maxAttempts(), channelId).get(0);
                    any[0] |= DeliveryRepository.enqueueDirect(work, envelope.id(), channelId, n.namespace(),
                            n.eventType(), body, max);
                    // the notification is taken (its delivery is retried on its own): the notify task succeeded
                    taskOutcome.succeeded(work, envelope.id(), requested, channelId);
                    reported[0] |= requested.taskRunId() != null;
                    return;
                }
                List<Subscription> matching = SubscriptionRepository.matching(work, n.namespace(), n.eventType(),
                        n.pipelineId(), n.dataset());
                for (Subscription s : matching) {
                    int max = Db.list(work, "SELECT coalesce(max_attempts, ?) FROM channel WHERE id = ?",
                            rs -> rs.getInt(1), config.delivery().maxAttempts(), s.channelId()).get(0);
                    any[0] |= DeliveryRepository.enqueue(work, envelope.id(), s.id(), s.channelId(), n.namespace(),
                            n.eventType(), body, max);
                }
            });
            return any[0];
        });
        if (reported[0]) {
            taskOutcome.sent();
        }
        return created;
    }

    private String write(Notification n) {
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notification could not be written as JSON", e);
        }
    }
}
