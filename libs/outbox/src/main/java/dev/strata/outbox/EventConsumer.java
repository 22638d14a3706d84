package dev.strata.outbox;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;

/**
 * The receiving side of the outbox: one Kafka consumer loop with one policy for every service. It owns the consumer
 * thread, decodes each record ({@link EventCodec}), hands the events of each partition in offset order to a
 * {@link Handler}, and:
 * <ul>
 * <li><b>commits offsets only after the handler returned</b> (its transaction committed), asynchronously at most once
 * per {@link Settings#commitInterval()}, synchronously when partitions are revoked and at shutdown. A crash between
 * the handler's commit and the offset commit redelivers events that the handler already applied: handlers are
 * idempotent (the {@code processed_event} mark, see {@link IdempotentConsumer}).</li>
 * <li><b>retries with backoff</b>: a failed partition is rewound to the first unhandled record and retried one record
 * at a time, waiting {@link Settings#initialBackoff()} doubling up to {@link Settings#maxBackoff()}; the other
 * partitions go on.</li>
 * <li><b>dead-letters</b> a record that failed {@link Settings#maxAttempts()} times (or cannot be decoded) through its
 * {@link DeadLetterSink}, with the reason, and goes on with the next record. A failure of the infrastructure (the
 * database unreachable) is not the record's fault: it is retried without counting, so an outage dead-letters
 * nothing. If the dead letter itself cannot be written, the record is retried.</li>
 * </ul>
 * Partitions can be handled in parallel ({@link Settings#threads()}); the first one always on the consumer thread, so
 * a single busy partition pays no hand-off.
 */
public final class EventConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final int MAX_REASON = 1000;

    /** A record and its decoded event. */
    public record Received(ConsumerRecord<String, byte[]> record, EventEnvelope<?> event) {
    }

    /** What a service does with the events it consumes. It must be idempotent: an event can come again. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles events of one partition, in offset order. Returns when their effects are committed; throws to have
         * them retried (those already applied come again and must change nothing).
         */
        void handle(List<Received> events) throws Exception;
    }

    /** Where a record that keeps failing goes. */
    @FunctionalInterface
    public interface DeadLetterSink {
        /** Records the dead letter durably, or throws (then the record is retried). */
        void deadLetter(String consumer, ConsumerRecord<String, byte[]> record, String reason) throws Exception;
    }

    /**
     * How a consumer runs.
     *
     * @param name            the consumer's name: its thread, its client id prefix, its dead letters
     * @param bootstrapServers Kafka
     * @param group           the consumer group
     * @param topics          the topics it reads
     * @param maxAttempts     tries of one record before it is dead-lettered
     * @param initialBackoff  the first wait after a failure
     * @param maxBackoff      the longest wait
     * @param commitInterval  the offsets of handled events are committed at most this often (zero: after each poll)
     * @param pollTimeout     the longest wait of an idle poll
     * @param threads         partitions handled in parallel
     * @param linger          when {@code lingerWhen} holds for a poll's events, poll once more for this long and handle
     *                        both together (e.g. a task's start with its success)
     * @param properties      extra Kafka consumer properties (they win)
     */
    public record Settings(String name, String bootstrapServers, String group, List<String> topics, int maxAttempts,
            Duration initialBackoff, Duration maxBackoff, Duration commitInterval, Duration pollTimeout, int threads,
            Duration linger, Predicate<List<Received>> lingerWhen, Map<String, Object> properties) {

        public Settings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(group, "group");
            topics = List.copyOf(topics);
            properties = Map.copyOf(properties);
            if (maxAttempts < 1 || threads < 1) {
                throw new IllegalArgumentException("maxAttempts and threads must be at least 1");
            }
        }

        public static Settings of(String name, String bootstrapServers, String group, Collection<String> topics) {
            return new Settings(name, bootstrapServers, group, List.copyOf(topics), 5, Duration.ofMillis(100),
                    Duration.ofSeconds(5), Duration.ZERO, Duration.ofMillis(500), 1, Duration.ZERO, e -> false,
                    Map.of());
        }

        public Settings withRetry(int attempts, Duration initial, Duration max) {
            return new Settings(name, bootstrapServers, group, topics, attempts, initial, max, commitInterval,
                    pollTimeout, threads, linger, lingerWhen, properties);
        }

        public Settings withCommitInterval(Duration interval) {
            return new Settings(name, bootstrapServers, group, topics, maxAttempts, initialBackoff, maxBackoff,
                    interval, pollTimeout, threads, linger, lingerWhen, properties);
        }

        public Settings withThreads(int count) {
            return new Settings(name, bootstrapServers, group, topics, maxAttempts, initialBackoff, maxBackoff,
                    commitInterval, pollTimeout, count, linger, lingerWhen, properties);
        }

        public Settings withLinger(Duration duration, Predicate<List<Received>> when) {
            return new Settings(name, bootstrapServers, group, topics, maxAttempts, initialBackoff, maxBackoff,
                    commitInterval, pollTimeout, threads, duration, when, properties);
        }

        public Settings withProperties(Map<String, ?> extra) {
            Map<String, Object> all = new HashMap<>(properties);
            all.putAll(extra);
            return new Settings(name, bootstrapServers, group, topics, maxAttempts, initialBackoff, maxBackoff,
                    commitInterval, pollTimeout, threads, linger, lingerWhen, all);
        }
    }

    /** The record of a partition that failed, and how often. */
    private record Failing(long offset, int attempts, long until) {
    }

    private final Settings settings;
    private final Handler handler;
    private final DeadLetterSink deadLetters;
    private final EventCodec codec = new EventCodec();
    private final KafkaConsumer<String, byte[]> consumer;
    private final ExecutorService pool;
    private final Thread thread;
    /** Next offset to commit per partition: after the last handled (or dead-lettered) record (consumer thread). */
    private final Map<TopicPartition, Long> handled = new HashMap<>();
    /** Partitions whose first unhandled record failed (touched by the thread that handles the partition). */
    private final Map<TopicPartition, Failing> failing = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running;
    /** Set by {@link #crash()}: stop without committing anything, as a killed process would. */
    private volatile boolean crashed;

    /**
     * A consumer, not started yet; {@code onCreate} sees the Kafka consumer first (e.g. to bind its metrics, the lag
     * among them).
     */
    public EventConsumer(Settings settings, Handler handler, DeadLetterSink deadLetters,
            Consumer<KafkaConsumer<String, byte[]>> onCreate) {
        this.settings = settings;
        this.handler = handler;
        this.deadLetters = deadLetters;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG,
                settings.name() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        props.putAll(settings.properties());
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        if (onCreate != null) {
            onCreate.accept(consumer);
        }
        this.pool = settings.threads() > 1 ? Executors.newFixedThreadPool(settings.threads() - 1, r -> {
            Thread t = new Thread(r, settings.name() + "-handler");
            t.setDaemon(true);
            return t;
        }) : null;
        this.thread = new Thread(this::loop, settings.name());
        this.thread.setDaemon(true);
    }

    public Settings settings() {
        return settings;
    }

    /** Subscribes and starts the consumer thread. */
    public EventConsumer start() {
        running = true;
        thread.start();
        return this;
    }

    /** Stops polling, lets the batch in hand finish, commits what was handled and leaves the group. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests: stops like a killed process, committing no offset (the group takes the partitions back). */
    void crash() {
        crashed = true;
        close();
    }

    private void loop() {
        KafkaConsumer<String, byte[]> c = consumer;
        long commitEvery = settings.commitInterval().toNanos();
        long lastCommit = System.nanoTime();
        Duration backoff = settings.initialBackoff();
        try {
            c.subscribe(settings.topics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!crashed) {
                        commitSync(partitions);
                    } // the next owner starts after what was handled here
                    partitions.forEach(p -> {
                        handled.remove(p);
                        failing.remove(p);
                    });
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    partitions.forEach(p -> {
                        handled.remove(p);
                        failing.remove(p);
                    });
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // positions come from the committed offsets
                }
            });
            boolean uncommitted = false;
            while (running) {
                long sinceCommit = System.nanoTime() - lastCommit;
                if (uncommitted && sinceCommit >= commitEvery) {
                    commitAsync();
                    lastCommit = System.nanoTime();
                    uncommitted = false;
                }
                ConsumerRecords<String, byte[]> records = c.poll(uncommitted
                        ? Duration.ofNanos(Math.max(commitEvery - sinceCommit, 1_000_000))
                        : settings.pollTimeout());
                if (records.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> polled = new LinkedHashMap<>();
                add(polled, records);
                if (!settings.linger().isZero() && settings.lingerWhen().test(decodedAll(polled))) {
                    add(polled, c.poll(settings.linger()));
                    polled.keySet().retainAll(c.assignment()); // a rebalance in that poll took some away
                }
                boolean failed = handleAll(polled);
                uncommitted = true;
                if (commitEvery == 0) {
                    commitAsync();
                    lastCommit = System.nanoTime();
                    uncommitted = false;
                }
                if (failed) {
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
                            ? settings.maxBackoff()
                            : backoff.multipliedBy(2);
                } else {
                    backoff = settings.initialBackoff();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.errorf(e, "consumer %s stopped", settings.name());
        } finally {
            try {
                if (!crashed) {
                    commitSync(new ArrayList<>(handled.keySet()));
                }
            } finally {
                try {
                    c.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.debugf("closing consumer %s: %s", settings.name(), e.getMessage());
                }
                if (pool != null) {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static void add(Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> polled,
            ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            polled.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(records.records(partition));
        }
    }

    private List<Received> decodedAll(Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> polled) {
        List<Received> all = new ArrayList<>();
        polled.values().forEach(list -> list.forEach(r -> {
            EventEnvelope<?> event = decodeOrNull(r);
            all.add(new Received(r, event));
        }));
        return all;
    }

    /** Handles each partition's records; true if any partition failed (and was rewound). */
    private boolean handleAll(Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> polled) {
        List<TopicPartition> partitions = new ArrayList<>(polled.keySet());
        Map<TopicPartition, Future<Long>> others = new LinkedHashMap<>();
        for (TopicPartition partition : partitions.subList(1, partitions.size())) {
            List<ConsumerRecord<String, byte[]>> batch = polled.get(partition);
            others.put(partition, pool != null
                    ? pool.submit(() -> handlePartition(partition, batch))
                    : java.util.concurrent.CompletableFuture.completedFuture(handlePartition(partition, batch)));
        }
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        next.put(partitions.get(0), handlePartition(partitions.get(0), polled.get(partitions.get(0))));
        for (Map.Entry<TopicPartition, Future<Long>> other : others.entrySet()) {
            next.put(other.getKey(), waitFor(other.getValue()));
        }
        boolean failed = false;
        for (Map.Entry<TopicPartition, Long> entry : next.entrySet()) {
            TopicPartition partition = entry.getKey();
            List<ConsumerRecord<String, byte[]>> batch = polled.get(partition);
            long end = batch.get(batch.size() - 1).offset() + 1;
            long upTo = entry.getValue();
            if (upTo > batch.get(0).offset()) {
                handled.put(partition, upTo);
            }
            if (upTo < end) {
                failed = true;
                consumer.seek(partition, upTo);
            }
        }
        return failed;
    }

    /**
     * Handles one partition's records: all at once while nothing fails, one at a time after a failure. Answers the
     * offset after the last record handled or dead-lettered.
     */
    private long handlePartition(TopicPartition partition, List<ConsumerRecord<String, byte[]>> batch) {
        List<Received> events = new ArrayList<>(batch.size());
        for (ConsumerRecord<String, byte[]> record : batch) {
            EventEnvelope<?> event;
            try {
                event = codec.decode(record.value());
            } catch (RuntimeException e) {
                // it will never decode: dead-letter it now, in its place
                long retryFrom = flush(partition, events);
                if (retryFrom >= 0) {
                    return retryFrom;
                }
                events.clear();
                if (!deadLetter(record, "undecodable: " + e.getMessage())) {
                    return record.offset();
                }
                continue;
            }
            events.add(new Received(record, event));
        }
        long retryFrom = flush(partition, events);
        return retryFrom >= 0 ? retryFrom : batch.get(batch.size() - 1).offset() + 1;
    }

    /** Handles the events; after a failure one at a time. Answers the offset to retry from, or -1 when all are done. */
    private long flush(TopicPartition partition, List<Received> events) {
        if (events.isEmpty()) {
            return -1;
        }
        int from = 0;
        while (from < events.size()) {
            if (!failing.containsKey(partition)) {
                List<Received> rest = events.subList(from, events.size());
                try {
                    handler.handle(rest);
                    return -1;
                } catch (Exception e) {
                    if (rest.size() == 1) {
                        return failed(partition, rest.get(0), e) ? -1 : rest.get(0).record().offset();
                    }
                    // which one? one at a time from the first (those applied come again and change nothing)
                    failing.put(partition, new Failing(rest.get(0).record().offset(), 0,
                            rest.get(rest.size() - 1).record().offset()));
                }
            }
            Received event = events.get(from);
            try {
                handler.handle(List.of(event));
                Failing f = failing.get(partition);
                if (f != null && f.until() <= event.record().offset()) {
                    failing.remove(partition); // healthy again: back to whole batches
                }
            } catch (Exception e) {
                if (!failed(partition, event, e)) {
                    return event.record().offset();
                }
            }
            from++;
        }
        return -1;
    }

    /** A record failed: true if it was dead-lettered (go on), false if it is to be retried. */
    private boolean failed(TopicPartition partition, Received event, Exception e) {
        ConsumerRecord<String, byte[]> record = event.record();
        boolean transientFailure = isTransient(e);
        Failing before = failing.get(partition);
        int attempts = before != null && before.offset() == record.offset() ? before.attempts() : 0;
        if (!transientFailure) {
            attempts++;
        }
        String reason = reason(e);
        if (attempts >= settings.maxAttempts()) {
            LOG.errorf("consumer %s: the event at %s-%d@%d failed %d times; dead-lettered: %s", settings.name(),
                    record.topic(), record.partition(), record.offset(), attempts, reason);
            if (deadLetter(record, reason)) {
                failing.remove(partition);
                return true;
            }
        } else {
            LOG.warnf("consumer %s: the event at %s-%d@%d failed (%s%d of %d), retrying: %s", settings.name(),
                    record.topic(), record.partition(), record.offset(), transientFailure ? "not counted, " : "",
                    attempts, settings.maxAttempts(), reason);
        }
        failing.put(partition, new Failing(record.offset(), attempts,
                before == null ? record.offset() : Math.max(before.until(), record.offset())));
        return false;
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        try {
            deadLetters.deadLetter(settings.name(), record, bound(reason));
            return true;
        } catch (Exception e) {
            LOG.warnf("consumer %s: the dead letter of %s-%d@%d could not be written, retrying: %s", settings.name(),
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return false;
        }
    }

    private EventEnvelope<?> decodeOrNull(ConsumerRecord<String, byte[]> record) {
        try {
            return codec.decode(record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void commitAsync() {
        if (!handled.isEmpty()) {
            consumer.commitAsync(offsets(handled.keySet()), (offsets, e) -> {
                if (e != null) {
                    LOG.debugf("consumer %s: committing offsets failed (they are committed again): %s",
                            settings.name(), e.getMessage());
                }
            });
        }
    }

    private void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            // best effort: the events come again, and change nothing
            LOG.debugf("consumer %s: committing offsets failed: %s", settings.name(), e.getMessage());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Long next = handled.get(partition);
            if (next != null) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }

    private static Long waitFor(Future<Long> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether a failure is the infrastructure's (the database unreachable, a pool without a free connection) rather
     * than the record's: such failures are retried without counting toward the dead letter.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                        || state.equals("40001") || state.equals("40P01"))) {
                    return true;
                }
                if (sql.getMessage() != null && sql.getMessage().contains("Acquisition timeout")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (root != e) {
            message += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return message;
    }

    private static String bound(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
    }
}
