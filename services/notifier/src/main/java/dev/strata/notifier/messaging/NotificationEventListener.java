package dev.strata.notifier.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventEnvelope;
import dev.strata.events.NotificationRequested;
import dev.strata.events.Topics;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.delivery.DeliveryRepository;
import dev.strata.notifier.delivery.DeliverySender;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.subscription.Subscription;
import dev.strata.notifier.subscription.SubscriptionRepository;
import dev.strata.outbox.quarkus.EventConsumers;
import dev.strata.web.db.Db;

/**
 * Consumes run events ({@code strata.events.run}) and quality events ({@code strata.events.quality}) and turns each
 * into one delivery per matching subscription. The consumer loop, its commit, retry and dead-letter policy are
 * libs/outbox's {@link EventConsumers}: per event, in one database transaction, the processed mark and the
 * deliveries, so a redelivered event (Kafka is at least once) adds nothing.
 */
@Singleton
public class NotificationEventListener implements EventConsumers.Handler {

    static final String CONSUMER = "notifier.events";

    private static final Logger LOG = Logger.getLogger(NotificationEventListener.class);

    private final EventConsumers consumers;
    private final DeliverySender sender;
    private final NotifierConfig config;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final NotifyTaskOutcome taskOutcome;

    NotificationEventListener(EventConsumers consumers, DeliverySender sender, NotifierConfig config,
            NotifyTaskOutcome taskOutcome) {
        this.consumers = consumers;
        this.taskOutcome = taskOutcome;
        this.sender = sender;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (config.consumer().enabled()) {
            consumers.start(CONSUMER, config.consumer().group(), List.of(Topics.RUN_EVENTS, Topics.QUALITY_EVENTS),
                    this);
        }
    }

    @Override
    public boolean accepts(EventEnvelope<?> envelope) {
        return Notification.of(envelope, config.publicBaseUrl()).isPresent(); // e.g. RunStarted: nothing to tell
    }

    @Override
    public Runnable handle(EventEnvelope<?> envelope, Connection work) throws SQLException {
        Notification n = Notification.of(envelope, config.publicBaseUrl()).orElseThrow();
        String body = write(n);
        boolean any = false;
        if (envelope.data() instanceof NotificationRequested requested) {
            // a pipeline names its channel: no subscription needed, the channel must be in its namespace
            List<UUID[]> channel = Db.list(work, "SELECT id FROM channel WHERE namespace = ? AND name = ?",
                    rs -> new UUID[]{Db.uuid(rs, "id")}, requested.namespace(), requested.channel());
            if (channel.isEmpty()) {
                LOG.warnf("pipeline %s/%s asked for channel '%s', which does not exist in its namespace; "
                        + "nothing sent", requested.namespace(), requested.pipelineId(), requested.channel());
                // a notify task fails with the reason, so its run does not succeed silently
                taskOutcome.failed(work, envelope.id(), requested, "channel '" + requested.channel()
                        + "' does not exist in namespace '" + requested.namespace() + "'");
                return requested.taskRunId() != null ? taskOutcome::sent : null;
            }
            UUID channelId = channel.get(0)[0];
            int max = Db.list(work, "SELECT coalesce(max_attempts, ?) FROM channel WHERE id = ?",
                    rs -> rs.getInt(1), config.delivery().maxAttempts(), channelId).get(0);
            any = DeliveryRepository.enqueueDirect(work, envelope.id(), channelId, n.namespace(), n.eventType(),
                    body, max);
            // the notification is taken (its delivery is retried on its own): the notify task succeeded
            taskOutcome.succeeded(work, envelope.id(), requested, channelId);
            if (requested.taskRunId() != null) {
                boolean wake = any;
                return () -> {
                    taskOutcome.sent();
                    if (wake) {
                        sender.wakeUp();
                    }
                };
            }
        } else {
            List<Subscription> matching = SubscriptionRepository.matching(work, n.namespace(), n.eventType(),
                    n.pipelineId(), n.dataset());
            for (Subscription s : matching) {
                int max = Db.list(work, "SELECT coalesce(max_attempts, ?) FROM channel WHERE id = ?",
                        rs -> rs.getInt(1), config.delivery().maxAttempts(), s.channelId()).get(0);
                any |= DeliveryRepository.enqueue(work, envelope.id(), s.id(), s.channelId(), n.namespace(),
                        n.eventType(), body, max);
            }
        }
        return any ? sender::wakeUp : null;
    }

    private String write(Notification n) {
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notification could not be written as JSON", e);
        }
    }
}
