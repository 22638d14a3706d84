package dev.strata.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskLogged;
import dev.strata.events.Topics;

/**
 * The log of task attempts, as the user reads it through the scheduler's API: lines a worker writes while it runs an
 * attempt ({@link Attempt#info}, {@link Attempt#warn}, {@link Attempt#error}), sent as {@link TaskLogged} events to
 * {@link Topics#TASK_LOGS}, straight to Kafka like {@link TaskHeartbeats} (no database write per line; the scheduler
 * keeps them).
 *
 * <pre>
 * try (TaskLogs.Attempt log = taskLogs.open(taskRunId, attempt, worker)) {
 *     log.info("source opened: " + url); // the URL's user info is redacted
 *     ...
 * } // flushes the last lines (waiting up to two seconds for Kafka), before the outcome is reported
 * </pre>
 *
 * <ul>
 * <li><b>Batched:</b> lines are sent every {@code flushInterval} (200 ms) or as soon as {@code batchLines} are
 * waiting, in one event each batch, keyed by the task run (so in order).</li>
 * <li><b>Bounded:</b> a line longer than {@code maxLineChars} is cut (saying how much); after {@code maxLines} lines
 * of an attempt the rest are dropped and counted, and {@link Attempt#close()} writes one last line "N lines
 * dropped".</li>
 * <li><b>No secrets:</b> every line passes {@link #redact}: the user info of URLs ({@code https://user:pw@host} →
 * {@code https://***@host}) and the values of {@code password=}, {@code secret=}, {@code token=} style parameters are
 * replaced by {@code ***}. Workers still never log a secret on purpose.</li>
 * <li><b>Never in the way of the work:</b> writing a line only appends to memory; sending happens on this class's
 * thread; a batch Kafka does not take is dropped and counted.</li>
 * </ul>
 */
public final class TaskLogs implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TaskLogs.class.getName());
    private static final EventCodec CODEC = new EventCodec();
    private static final Pattern URL_USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|secret|token|access_token|api_key|apikey|sig|x-amz-signature|x-amz-credential)"
                    + "=([^&;\\s\"']+)");

    private final String source;
    private final Limits limits;
    private final Producer<String, byte[]> producer;
    private final ScheduledExecutorService timer;
    private final Map<Running, Boolean> open = new ConcurrentHashMap<>();
    private final AtomicLong sentLines = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile long lastFailureLogged;

    /**
     * How much a task's log may hold and how it is batched.
     *
     * @param flushInterval how often waiting lines are sent
     * @param batchLines    send at once when this many lines wait
     * @param maxLineChars  longer lines are cut to this
     * @param maxLines      lines kept per attempt; further ones are dropped and counted
     */
    public record Limits(Duration flushInterval, int batchLines, int maxLineChars, int maxLines) {

        public static final Limits DEFAULT = new Limits(Duration.ofMillis(200), 200, 4_096, 10_000);

        public Limits {
            if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero() || batchLines < 1
                    || maxLineChars < 64 || maxLines < 1) {
                throw new IllegalArgumentException("invalid task log limits: " + flushInterval + ", " + batchLines
                        + " lines a batch, " + maxLineChars + " chars a line, " + maxLines + " lines");
            }
        }
    }

    /**
     * @param bootstrapServers   Kafka
     * @param source             the CloudEvents source, e.g. {@code /strata/ingest}
     * @param producerProperties extra producer properties (e.g. {@code security.protocol})
     */
    public TaskLogs(String bootstrapServers, String source, Map<String, String> producerProperties, Limits limits) {
        this.source = Objects.requireNonNull(source, "source is required");
        this.limits = Objects.requireNonNull(limits, "limits are required");
        Map<String, Object> config = TaskHeartbeats.producerConfig(bootstrapServers, producerProperties);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "strata-task-logs");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000); // a line is worth something later too
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000); // only this class's thread waits (first metadata)
        // in order even when a send is retried (e.g. while the topic is being created): one request in flight
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        this.producer = new KafkaProducer<>(config);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-task-logs");
            t.setDaemon(true);
            return t;
        });
        long every = limits.flushInterval().toMillis();
        timer.scheduleWithFixedDelay(this::flushAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Opens the log of one attempt; close it when the attempt ends, before its outcome is reported. */
    public Attempt open(UUID taskRunId, int attempt, String worker) {
        Running log = new Running(Objects.requireNonNull(taskRunId, "taskRunId is required"), attempt,
                Objects.requireNonNull(worker, "worker is required"));
        open.put(log, Boolean.TRUE);
        return log;
    }

    /** The line as it is kept: secrets in URLs and parameters replaced by {@code ***}. */
    public static String redact(String text) {
        if (text == null) {
            return "";
        }
        String s = URL_USERINFO.matcher(text).replaceAll("$1***@");
        return SECRET_PARAM.matcher(s).replaceAll("$1=***");
    }

    /** Lines Kafka acknowledged. */
    public long sentLines() {
        return sentLines.get();
    }

    /** Batches dropped because Kafka did not take them. */
    public long failedBatches() {
        return failedBatches.get();
    }

    /** Sends what waits (waiting up to 10 s for flushes under way), then stops the timer and the producer. */
    @Override
    public void close() {
        timer.shutdown(); // the periodic flush stops; flushes already handed over still run
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.keySet().forEach(Running::flush);
        producer.close(Duration.ofSeconds(5));
    }

    private void flushAll() {
        for (Running log : open.keySet()) {
            try {
                log.flush();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot send the log of task run " + log.taskRunId, e);
            }
        }
    }

    private void failed(UUID taskRunId, int lines, Exception e) {
        failedBatches.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastFailureLogged > TimeUnit.SECONDS.toNanos(30)) {
            lastFailureLogged = now;
            LOG.log(System.Logger.Level.WARNING, "cannot send " + lines + " log lines of task run " + taskRunId
                    + " to Kafka (the task goes on; " + failedBatches.get() + " batches dropped so far): "
                    + e.getMessage());
        }
    }

    /** The log of one running attempt. Thread-safe. */
    public interface Attempt extends AutoCloseable {

        /** A log that keeps nothing (a service without Kafka). */
        Attempt NONE = new Attempt() {
            @Override
            public void log(String level, String text) {
            }

            @Override
            public void close() {
            }
        };

        /** Writes a line at {@code info}, {@code warn} or {@code error}. */
        void log(String level, String text);

        default void info(String text) {
            log("info", text);
        }

        default void warn(String text) {
            log("warn", text);
        }

        default void error(String text) {
            log("error", text);
        }

        /** Sends the last lines (and "N lines dropped" if any were), waiting up to two seconds for Kafka. Idempotent. */
        @Override
        void close();
    }

    private final class Running implements Attempt {

        private final UUID taskRunId;
        private final int attempt;
        private final String worker;
        private final Map<String, String> trace = Tracing.currentHeaders();
        private final Object sendLock = new Object();
        private final List<TaskLogged.Line> waiting = new ArrayList<>(); // guarded by this
        private long seq; // guarded by this
        private long dropped; // guarded by this
        private boolean closed; // guarded by this

        private Running(UUID taskRunId, int attempt, String worker) {
            this.taskRunId = taskRunId;
            this.attempt = attempt;
            this.worker = worker;
        }

        @Override
        public void log(String level, String text) {
            String lvl = "warn".equals(level) || "error".equals(level) ? level : "info";
            String line = redact(text);
            if (line.length() > limits.maxLineChars()) {
                int cut = line.length() - limits.maxLineChars();
                line = line.substring(0, limits.maxLineChars()) + " … (" + cut + " more characters cut)";
            }
            boolean full;
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (seq >= limits.maxLines()) {
                    dropped++;
                    return;
                }
                waiting.add(new TaskLogged.Line(++seq, Instant.now(), lvl, line));
                full = waiting.size() >= limits.batchLines();
            }
            if (full) {
                try {
                    timer.execute(this::flush);
                } catch (RejectedExecutionException e) {
                    // shutting down: close() sends what waits
                }
            }
        }

        /**
         * Sends the waiting lines in one event; the future completes when Kafka answered. One flush at a time per
         * attempt, so batches are sent in the order of their lines (a reader's "after seq" never skips a line).
         */
        CompletableFuture<Void> flush() {
            synchronized (sendLock) {
                return flushInOrder();
            }
        }

        private CompletableFuture<Void> flushInOrder() {
            List<TaskLogged.Line> all;
            synchronized (this) {
                if (waiting.isEmpty()) {
                    return CompletableFuture.completedFuture(null);
                }
                all = List.copyOf(waiting);
                waiting.clear();
            }
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < all.size(); i += limits.batchLines()) { // at most batchLines lines an event
                sends.add(send(all.subList(i, Math.min(all.size(), i + limits.batchLines()))));
            }
            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
        }

        private CompletableFuture<Void> send(List<TaskLogged.Line> batch) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                EventEnvelope<TaskLogged> envelope = EventEnvelope.of(source, taskRunId.toString(),
                        new TaskLogged(taskRunId, attempt, worker, batch));
                RecordHeaders headers = new RecordHeaders();
                headers.add(OutboxMessage.ID_HEADER, envelope.id().toString().getBytes(StandardCharsets.UTF_8));
                headers.add(OutboxMessage.TYPE_HEADER, envelope.type().getBytes(StandardCharsets.UTF_8));
                headers.add(OutboxMessage.CONTENT_TYPE_HEADER,
                        OutboxMessage.CLOUDEVENTS_JSON.getBytes(StandardCharsets.UTF_8));
                trace.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(Topics.TASK_LOGS, null, envelope.partitionKey(),
                        CODEC.encode(envelope), headers), (metadata, e) -> {
                            if (e == null) {
                                sentLines.addAndGet(batch.size());
                            } else {
                                failed(taskRunId, batch.size(), e);
                            }
                            done.complete(null);
                        });
            } catch (RuntimeException e) { // no metadata within max.block.ms, or the producer closed
                failed(taskRunId, batch.size(), e);
                done.complete(null);
            }
            return done;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (dropped > 0) {
                    waiting.add(new TaskLogged.Line(++seq, Instant.now(), "warn", dropped
                            + " lines dropped: an attempt keeps at most " + limits.maxLines() + " lines"));
                }
                closed = true;
            }
            open.remove(this);
            try {
                // sent from this class's thread (it may wait for Kafka's metadata); the work waits two seconds at most
                CompletableFuture.supplyAsync(this::flush, timer).thenCompose(f -> f).get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // a late batch is still sent; the outcome is not held up longer
            }
        }
    }
}
