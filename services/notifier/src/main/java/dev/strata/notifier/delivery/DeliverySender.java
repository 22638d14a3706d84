package dev.strata.notifier.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.notifier.channel.ChannelTypes;
import dev.strata.notifier.channel.NotificationChannel;
import dev.strata.notifier.channel.SendResult;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.secret.Secrets;

/**
 * Sends due deliveries. Each round claims up to {@code concurrency} due rows ({@code FOR UPDATE SKIP LOCKED}, so
 * replicas never send the same one), sends them in parallel and records each outcome: delivered, a retry after an
 * exponential backoff ({@code initial-backoff × 2^(attempt-1)}, at most {@code max-backoff}), or the dead-letter state
 * after the last attempt. Idle, it sleeps until the next retry is due, the poll interval, or a {@link #wakeUp()}.
 */
@Singleton
public class DeliverySender {

    private static final Logger LOG = Logger.getLogger(DeliverySender.class);

    private final DeliveryRepository deliveries;
    private final ChannelTypes types;
    private final Secrets secrets;
    private final DeliveryMetrics metrics;
    private final NotifierConfig.Delivery config;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    private final Object signal = new Object();
    private final AtomicInteger wakeUps = new AtomicInteger();
    private volatile boolean running;
    private Thread loop;
    private ExecutorService pool;

    DeliverySender(DeliveryRepository deliveries, ChannelTypes types, Secrets secrets, DeliveryMetrics metrics,
            NotifierConfig config) {
        this.deliveries = deliveries;
        this.types = types;
        this.secrets = secrets;
        this.metrics = metrics;
        this.config = config.delivery();
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        running = true;
        pool = Executors.newFixedThreadPool(config.concurrency(), r -> {
            Thread t = new Thread(r, "notifier-send");
            t.setDaemon(true);
            return t;
        });
        loop = new Thread(this::run, "notifier-sender");
        loop.setDaemon(true);
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wakeUp();
        if (loop != null) {
            try {
                loop.join(config.timeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** New deliveries are waiting: look now instead of at the next poll. */
    public void wakeUp() {
        synchronized (signal) {
            wakeUps.incrementAndGet();
            signal.notifyAll();
        }
    }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        while (running) {
            try {
                int seen = wakeUps.get();
                List<DeliveryRepository.Claimed> claimed = deliveries.claim(config.concurrency(), lease());
                if (claimed.isEmpty()) {
                    idle(seen);
                } else {
                    sendAll(claimed);
                }
                backoff = Duration.ofMillis(100);
            } catch (RuntimeException e) {
                LOG.warnf("the delivery log could not be read (%s: %s); retrying in %d ms",
                        e.getClass().getSimpleName(), e.getMessage(), backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                        ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
            }
        }
    }

    private void sendAll(List<DeliveryRepository.Claimed> claimed) {
        List<Future<?>> sends = new ArrayList<>();
        for (DeliveryRepository.Claimed c : claimed) {
            sends.add(pool.submit(() -> sendOne(c)));
        }
        for (Future<?> send : sends) {
            try {
                send.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.error("a delivery could not be recorded", e.getCause());
            }
        }
    }

    private void sendOne(DeliveryRepository.Claimed c) {
        NotificationChannel plugin = types.find(c.channelType()).orElse(null);
        SendResult result;
        List<String> secretValues = List.of();
        if (plugin == null) {
            result = SendResult.failed(null, "this notifier has no plug-in for channel type " + c.channelType());
        } else {
            try {
                Secrets namespaceSecrets = secrets.in(c.namespace());
                secretValues = plugin.check(c.settings()).stream().map(namespaceSecrets::value)
                        .flatMap(Optional::stream).toList();
                Notification notification = json.treeToValue(c.notification(), Notification.class);
                result = plugin.send(c.settings(), namespaceSecrets, notification, c.id());
            } catch (Secrets.MissingSecretException | NotificationChannel.InvalidSettingsException e) {
                result = SendResult.failed(null, e.getMessage());
            } catch (Exception e) {
                result = SendResult.failed(null, "sending failed: " + e.getClass().getSimpleName());
                LOG.warnf("delivery %s: %s failed unexpectedly (%s)", c.id(), c.channelType(),
                        e.getClass().getName());
            }
        }
        String type = c.channelType();
        if (result.delivered()) {
            deliveries.delivered(c.id(), c.attempt(), result.responseCode());
            metrics.attempt(type, Delivery.DELIVERED);
            return;
        }
        String error = Secrets.mask(result.error(), secretValues);
        if (c.attempt() >= c.maxAttempts()) {
            deliveries.failed(c.id(), c.attempt(), result.responseCode(), error, null);
            metrics.attempt(type, Delivery.DEAD_LETTERED);
            LOG.warnf("delivery %s of event %s to a %s channel is dead-lettered after %d attempts: %s", c.id(),
                    c.eventId(), type, c.attempt(), error);
        } else {
            Instant retryAt = Instant.now().plus(backoff(c.attempt()));
            deliveries.failed(c.id(), c.attempt(), result.responseCode(), error, retryAt);
            metrics.attempt(type, "failed");
            LOG.infof("delivery %s to a %s channel failed (attempt %d of %d), retried at %s: %s", c.id(), type,
                    c.attempt(), c.maxAttempts(), retryAt, error);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based): initial × 2^(attempt-1), capped. */
    Duration backoff(int attempt) {
        Duration max = config.maxBackoff();
        Duration wait = config.initialBackoff();
        for (int i = 1; i < attempt && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    /** Longer than any send, so a live sender records the outcome before anyone else may claim the row again. */
    private Duration lease() {
        return config.timeout().multipliedBy(3).plusSeconds(30);
    }

    private void idle(int seen) {
        long waitMs = config.pollInterval().toMillis();
        Optional<Instant> next = deliveries.nextDue();
        if (next.isPresent()) {
            // at least a little: the database's clock decides when a row is due
            waitMs = Math.max(10, Math.min(waitMs, Duration.between(Instant.now(), next.get()).toMillis()));
        }
        synchronized (signal) {
            if (wakeUps.get() != seen || !running) {
                return;
            }
            try {
                signal.wait(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
