package dev.strata.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.Topics;

/**
 * Tells the scheduler that task attempts are still running: while an attempt runs, a {@link TaskHeartbeated} with its
 * task run id and attempt every {@code interval}, from {@link #start} until {@link Beat#close()}. Without them the
 * scheduler presumes the worker dead after {@code strata.scheduler.heartbeat-timeout} and retries the task while it
 * still runs.
 *
 * <p>
 * <b>Straight to Kafka, not through the outbox.</b> A heartbeat is a transient fact ("alive now"), not a state
 * change: nothing in this service's database changes with it, and one that arrives late or never is worth nothing. So:
 * <ul>
 * <li>it costs no database write (a row per task every few seconds, and the relay's round to send it);</li>
 * <li>a heartbeat that cannot be sent (Kafka down or slow) is dropped and counted, never retried later (a backlog
 * delivered after Kafka comes back would say "alive" about the past) and never fails or delays the task: the work
 * runs on its own thread, sending is asynchronous with a short {@code max.block.ms} on this class's own thread, and a
 * failure only logs;</li>
 * <li>the outbox would not help anyway: if Kafka is down longer than the heartbeat timeout, the scheduler hears
 * nothing either way. The task's outcome (TaskSucceeded/TaskFailed) still goes through the outbox, so the result is
 * never lost.</li>
 * </ul>
 * A heartbeat may reach the topic after the outcome of its attempt (another producer sends that): the scheduler only
 * moves the deadline of a task that is running its attempt, so a late one changes nothing.
 *
 * <p>
 * Each heartbeat carries the trace that was current when its attempt started ({@link Tracing}), as the attempt's other
 * reports do. One producer and one timer thread for all attempts of the process. {@link Beat#close()} never waits:
 * after it, no heartbeat of the attempt is made, and one being sent at that moment is dated before it (its envelope's
 * time is taken before the check). No lock is held anywhere, in particular not across a producer call, so nothing here
 * can deadlock against the producer's callbacks.
 */
public final class TaskHeartbeats implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TaskHeartbeats.class.getName());
    private static final EventCodec CODEC = new EventCodec();
    /** The longest a send may wait for Kafka's metadata; the timer thread, never the work, waits. */
    private static final int MAX_BLOCK_MS = 1_000;

    private final String source;
    private final Producer<String, byte[]> producer;
    private final ScheduledExecutorService timer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long lastFailureLogged;

    /**
     * @param bootstrapServers   Kafka
     * @param source             the CloudEvents source of the heartbeats, e.g. {@code /strata/ingest}
     * @param producerProperties extra producer properties (e.g. {@code security.protocol})
     */
    public TaskHeartbeats(String bootstrapServers, String source, Map<String, String> producerProperties) {
        this.source = Objects.requireNonNull(source, "source is required");
        this.producer = new KafkaProducer<>(producerConfig(bootstrapServers, producerProperties));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-task-heartbeats");
            t.setDaemon(true);
            return t;
        });
    }

    /** Heartbeats are worth nothing late: a short delivery timeout, no retries beyond it, one acknowledgement. */
    static Map<String, Object> producerConfig(String bootstrapServers, Map<String, String> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "strata-task-heartbeats");
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        if (extra != null) {
            config.putAll(extra);
        }
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers,
                "bootstrapServers is required"));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /**
     * Starts the heartbeats of one attempt: the first after {@code interval} (the attempt's TaskStarted counts as the
     * first sign of life), then every {@code interval} until the returned beat is closed. Call it when the attempt
     * starts and close the beat when it ends, before its outcome is reported:
     *
     * <pre>
     * try (TaskHeartbeats.Beat beat = heartbeats.start(taskRunId, attempt, worker, interval)) {
     *     result = work.run();
     * }
     * </pre>
     */
    public Beat start(UUID taskRunId, int attempt, String worker, Duration interval) {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(worker, "worker is required");
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the heartbeat interval must be positive, got " + interval);
        }
        Running beat = new Running(taskRunId, attempt, worker);
        long every = interval.toMillis();
        beat.future = timer.scheduleAtFixedRate(beat::send, every, every, TimeUnit.MILLISECONDS);
        return beat;
    }

    /** Heartbeats Kafka acknowledged. */
    public long sentCount() {
        return sent.get();
    }

    /** Heartbeats dropped because Kafka did not take them. */
    public long failedCount() {
        return failed.get();
    }

    /** Stops every beat and the producer; heartbeats in flight get up to a second. */
    @Override
    public void close() {
        timer.shutdownNow();
        producer.close(Duration.ofSeconds(1));
    }

    private void failed(UUID taskRunId, Exception e) {
        failed.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastFailureLogged > TimeUnit.SECONDS.toNanos(30)) { // one line per 30 s, not one per task and beat
            lastFailureLogged = now;
            LOG.log(System.Logger.Level.WARNING, "cannot send the heartbeat of task run " + taskRunId
                    + " to Kafka (the task goes on; " + failed.get() + " dropped so far): " + e.getMessage());
        }
    }

    /** The heartbeats of one running attempt; {@link #close()} stops them. */
    public interface Beat extends AutoCloseable {

        /** A beat that sends nothing (a service without Kafka). */
        Beat NONE = () -> {
        };

        /** Stops the heartbeats at once: none of this attempt dated after this call is sent. Idempotent. */
        @Override
        void close();
    }

    private final class Running implements Beat {

        private final UUID taskRunId;
        private final int attempt;
        private final String worker;
        private final Map<String, String> trace = Tracing.currentHeaders(); // the timer thread has no trace of its own
        private volatile ScheduledFuture<?> future;
        private volatile boolean closed;

        private Running(UUID taskRunId, int attempt, String worker) {
            this.taskRunId = taskRunId;
            this.attempt = attempt;
            this.worker = worker;
        }

        private void send() {
            try {
                EventEnvelope<TaskHeartbeated> envelope = EventEnvelope.of(source, taskRunId.toString(),
                        new TaskHeartbeated(taskRunId, worker, attempt));
                if (closed) {
                    return; // read after the envelope's time was taken: a heartbeat sent is from before close()
                }
                // the Kafka record as the relay makes it (ce_id, ce_type, content type), in the attempt's trace
                RecordHeaders headers = new RecordHeaders();
                headers.add(OutboxMessage.ID_HEADER, envelope.id().toString().getBytes(StandardCharsets.UTF_8));
                headers.add(OutboxMessage.TYPE_HEADER, envelope.type().getBytes(StandardCharsets.UTF_8));
                headers.add(OutboxMessage.CONTENT_TYPE_HEADER,
                        OutboxMessage.CLOUDEVENTS_JSON.getBytes(StandardCharsets.UTF_8));
                trace.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(Topics.forEvent(envelope.data()), null, envelope.partitionKey(),
                        CODEC.encode(envelope), headers),
                        (metadata, e) -> {
                            if (e == null) {
                                sent.incrementAndGet();
                            } else {
                                failed(taskRunId, e);
                            }
                        });
            } catch (RuntimeException e) { // Kafka's metadata did not come within max.block.ms, or the producer closed
                failed(taskRunId, e);
            }
        }

        @Override
        public void close() {
            closed = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
