package dev.strata.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the rows of the {@code outbox} table to Kafka, in id order, and marks them published.
 * <p>
 * Each round is one database transaction: take {@code pg_try_advisory_xact_lock} on a key derived from the schema's
 * outbox table (skip the round if another relay holds it), lock a batch of unpublished rows
 * ({@code ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED}), send them in that order with an idempotent producer
 * ({@code acks=all}), wait for every acknowledgement, set {@code published_at} and commit. The guarantees:
 * <ul>
 * <li><b>at least once</b>: a row is marked only after Kafka acknowledged it. If Kafka fails, the round rolls back and
 * is retried with backoff; if the relay dies between the acknowledgement and the commit, the next relay sends the rows
 * again. Consumers drop duplicates by event id ({@link IdempotentConsumer}).</li>
 * <li><b>per-key order</b>: one relay per schema publishes at a time (the advisory lock, held for the round's
 * transaction, so replicas of a service take turns) and rounds never overlap, so the first delivery of each event
 * follows the id order of its key. This assumes writes of the same key are serialized by the service (they are when the
 * key is an entity whose row the transaction updates), so that id order is commit order for a key.</li>
 * </ul>
 * A round that found fewer rows than a batch waits {@link Settings#pollInterval()}; {@link #wakeUp()} ends the wait (or
 * skips it when it came during the round), so call it after committing a transaction that wrote to the outbox. Published rows older than {@link Settings#retention()} and processed-event
 * marks older than {@link Settings#dedupeRetention()} are deleted every {@link Settings#cleanupInterval()}.
 * <p>
 * <b>Sending at once.</b> A service may send some messages itself right after its transaction committed, instead of
 * waiting for the relay's next round ({@link #claim} before the commit, {@link #sendNow} after it, {@link #release} on
 * a rollback): the hand-off of work to a worker then costs no relay round. Rounds leave claimed rows alone; once Kafka
 * acknowledged a message, the next round marks its row published; if the send failed (or no acknowledgement came
 * within the delivery timeout), rounds send the row as any other. So the row stays the durable record and nothing is
 * lost if the service dies after its commit; a relay of another replica, which does not know the claim, may send the
 * row a second time (consumers drop the duplicate by event id). Messages sent at once are not ordered with the rows
 * the relay sends: use it only for messages whose key no other unpublished row on their topic shares (say, a task's
 * request keyed by the task's own id).
 * <p>
 * Plain Java: give it a {@link DataSource} whose connections see the service's schema (its {@code search_path}) and the
 * Kafka bootstrap servers; {@link #start()} runs it on a background thread, {@link #stop()} ends it gracefully.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());

    /**
     * The advisory lock of this schema's relays: "STOB" in the high 32 bits, the oid of the schema's outbox table in
     * the low 32 bits. Unique per outbox table in the database, so services sharing a database do not block each other.
     */
    static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock((x'53544f42'::bigint << 32)"
            + " | 'outbox'::regclass::oid::bigint)";
    static final String SELECT_BATCH = """
            SELECT o.id, o.event_id, o.topic, o.event_key, o.event_type, o.payload, h.names, h.vals
            FROM outbox o
            LEFT JOIN LATERAL (SELECT array_agg(key ORDER BY key) AS names, array_agg(value ORDER BY key) AS vals
                               FROM jsonb_each_text(o.headers)) h ON true
            WHERE o.published_at IS NULL
            ORDER BY o.id
            LIMIT ?
            FOR UPDATE OF o SKIP LOCKED
            """;
    static final String LOCK_AND_SELECT_BATCH = TRY_LOCK + ";\n"
            + SELECT_BATCH.replace("WHERE o.published_at IS NULL",
                    "WHERE (" + TRY_LOCK + ") AND o.published_at IS NULL");
    static final String MARK_PUBLISHED = "UPDATE outbox SET published_at = now() WHERE id = ANY(?)";
    static final String MARK_SENT_AT_ONCE = "UPDATE outbox SET published_at = now() WHERE event_id = ANY(?) "
            + "AND published_at IS NULL";
    static final String COUNT_PENDING = "SELECT count(*) FROM outbox WHERE published_at IS NULL";
    private static final int CLEANUP_CHUNK = 10_000;
    static final String DELETE_PUBLISHED = """
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox
                WHERE published_at < now() - ? * interval '1 millisecond'
                ORDER BY id
                LIMIT %d)
            """.formatted(CLEANUP_CHUNK);
    static final String DELETE_PROCESSED = """
            DELETE FROM processed_event WHERE ctid IN (
                SELECT ctid FROM processed_event
                WHERE processed_at < now() - ? * interval '1 millisecond'
                LIMIT %d)
            """.formatted(CLEANUP_CHUNK);

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    private final DataSource dataSource;
    private final Settings settings;
    private final ReentrantLock roundLock = new ReentrantLock();
    private final Object signal = new Object();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private boolean wakeUpRequested; // guarded by signal
    private volatile boolean running;
    private volatile Failure lastFailure;
    private Thread thread;
    private Producer<String, byte[]> producer; // guarded by roundLock
    /** Messages {@link #claim claimed} for {@link #sendNow}: event id, when claimed (System.nanoTime). */
    private final Map<UUID, Long> claims = new ConcurrentHashMap<>();
    /** Claimed messages Kafka acknowledged: the next round marks their rows published. */
    private final Set<UUID> sentAtOnce = ConcurrentHashMap.newKeySet();
    /*
     * Locks and the Kafka producer. A producer runs the callbacks of failed sends on its network thread, and its close
     * waits for that thread. So no callback takes a lock, and no lock is held while calling a producer's send, flush or
     * close: a callback only records (claims, sentAtOnce, failedDirectProducer) and wakes the relay up; a failed
     * producer is swapped out under the lock and closed after it, the direct one by the relay's thread.
     */
    private final Object directLock = new Object();
    private Producer<String, byte[]> directProducer; // guarded by directLock
    /** The direct producer a send failed on, set by its callback: the next {@link #sendNow} starts a fresh one. */
    private volatile Producer<String, byte[]> failedDirectProducer;
    /** Direct producers swapped out after a failure: the relay's thread closes them (never a committing thread). */
    private final Queue<Producer<String, byte[]>> retiredDirectProducers = new ConcurrentLinkedQueue<>();
    private boolean producerFailed; // guarded by roundLock

    public OutboxRelay(DataSource dataSource, Settings settings) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource is required");
        this.settings = Objects.requireNonNull(settings, "settings are required");
    }

    /** Starts publishing on a background (daemon) thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the outbox relay is started already");
        }
        running = true;
        thread = new Thread(this::run, "strata-outbox-relay");
        thread.setDaemon(true);
        thread.start();
        LOG.log(System.Logger.Level.INFO, "outbox relay started (Kafka " + settings.bootstrapServers() + ")");
    }

    /**
     * Stops after the current round (at most about the delivery timeout) and closes the Kafka producer. Rows of an
     * unfinished round stay unpublished and are sent by the next relay.
     */
    public synchronized void stop() {
        if (thread != null) {
            running = false;
            synchronized (signal) {
                signal.notifyAll();
            }
            try {
                thread.join(settings.deliveryTimeout().plusSeconds(5).toMillis());
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
            LOG.log(System.Logger.Level.INFO, "outbox relay stopped (" + published.get() + " events published)");
        }
        closeProducer(Duration.ofSeconds(5));
        closeDirectProducer(Duration.ofSeconds(5));
        closeRetiredDirectProducers();
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() { return running; }

    /** Ends the idle wait: call it after committing a transaction that appended to the outbox. Cheap, never blocks. */
    public void wakeUp() {
        synchronized (signal) {
            wakeUpRequested = true;
            signal.notifyAll();
        }
    }

    /**
     * Claims the messages for {@link #sendNow}: call it before the transaction that appends them commits. Until the
     * claim ends (acknowledged and marked, failed, released, or older than the delivery timeout and 5 s), rounds do
     * not send their rows.
     */
    public void claim(Collection<OutboxMessage> messages) {
        if (!running) {
            return; // a stopped relay sends nothing at once: its rows wait for a round, here or in another replica
        }
        long now = System.nanoTime();
        for (OutboxMessage message : messages) {
            claims.put(message.eventId(), now);
        }
    }

    /** Ends the claims of messages whose transaction rolled back. */
    public void release(Collection<OutboxMessage> messages) {
        for (OutboxMessage message : messages) {
            claims.remove(message.eventId());
        }
    }

    /**
     * Sends claimed messages now, in this order, without waiting for Kafka: call it right after their transaction
     * committed. A message that cannot be sent is left to the rounds (which are woken up); unclaimed messages (the
     * relay was stopped when they were claimed) are left to them too.
     */
    public void sendNow(Collection<OutboxMessage> messages) {
        if (!running) {
            release(messages); // no producer after stop(): the rows wait for a round, here or in another replica
            return;
        }
        Producer<String, byte[]> kafka;
        try {
            kafka = directProducer();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no producer to send at once; the relay sends the rows", e);
            release(messages);
            wakeUp();
            return;
        }
        for (OutboxMessage message : messages) {
            UUID id = message.eventId();
            if (!claims.containsKey(id)) {
                continue;
            }
            try {
                kafka.send(record(id, message.type(), message.topic(), message.key(), message.payload(),
                        message.headers()), (metadata, error) -> {
                            if (error == null) {
                                sentAtOnce.add(id);
                            } else {
                                directSendFailed(kafka, id, error);
                            }
                        });
            } catch (RuntimeException e) {
                directSendFailed(kafka, id, e);
            }
        }
    }

    /** Runs on the producer's network thread too (a callback): takes no lock, never waits. */
    private void directSendFailed(Producer<String, byte[]> kafka, UUID eventId, Throwable error) {
        claims.remove(eventId);
        failedDirectProducer = kafka;
        LOG.log(System.Logger.Level.DEBUG, "sending event " + eventId + " at once failed (" + error
                + "); the relay sends it");
        wakeUp();
    }

    private Producer<String, byte[]> directProducer() {
        synchronized (directLock) {
            if (directProducer != null && directProducer == failedDirectProducer) {
                // a producer that failed may hold records; a fresh one starts with a clean slate. The old one is
                // closed by the relay's thread: its close waits for the callbacks of its records, and this thread
                // (a committing one) must not wait for Kafka. Its records fail there, and the rounds send their rows.
                retiredDirectProducers.add(directProducer);
                directProducer = null;
                failedDirectProducer = null;
                wakeUp();
            }
            if (directProducer == null) {
                Map<String, Object> config = settings.producerConfig();
                config.put(ProducerConfig.CLIENT_ID_CONFIG, "strata-outbox-direct");
                // never hold the committing thread while Kafka is away: the relay sends the row later instead
                config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 100);
                config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                directProducer = new KafkaProducer<>(config);
            }
            return directProducer;
        }
    }

    private void closeDirectProducer(Duration timeout) {
        Producer<String, byte[]> old;
        synchronized (directLock) {
            old = directProducer;
            directProducer = null;
        }
        closeQuietly(old, timeout);
    }

    private void closeRetiredDirectProducers() {
        for (Producer<String, byte[]> old; (old = retiredDirectProducers.poll()) != null;) {
            closeQuietly(old, Duration.ZERO);
        }
    }

    private static void closeQuietly(Producer<String, byte[]> producer, Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the Kafka producer failed", e);
            }
        }
    }

    /** Events published (acknowledged by Kafka and marked) by this relay since it was created. */
    public long publishedCount() {
        return published.get();
    }

    /** Rounds that failed (database or Kafka error) since this relay was created. */
    public long failureCount() {
        return failures.get();
    }

    /** The most recent failed round, if any. */
    public Optional<Failure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    public Settings settings() {
        return settings;
    }

    /** Rows not published yet, for health checks and metrics. */
    public long pendingCount() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(COUNT_PENDING)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new OutboxException("cannot count the unpublished outbox rows: " + e.getMessage(), e);
        }
    }

    /**
     * Runs one round on the caller's thread: publishes up to {@link Settings#batchSize()} rows and marks them.
     *
     * @return how many rows were published, or empty if another relay of this schema holds the lock
     * @throws OutboxException if the database or Kafka failed; the round was rolled back
     */
    public OptionalInt publishBatch() {
        Producer<String, byte[]> failed = null;
        roundLock.lock();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            List<UUID> marked = new ArrayList<>();
            try {
                OptionalInt result = publishBatch(c, marked);
                c.commit();
                result.ifPresent(published::addAndGet);
                for (UUID id : marked) {
                    claims.remove(id);
                    sentAtOnce.remove(id);
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new OutboxException("outbox round failed on the database: " + e.getMessage(), e);
        } finally {
            if (producerFailed) {
                failed = producer;
                producer = null;
                producerFailed = false;
            }
            roundLock.unlock();
            // a producer that failed may hold records of this batch; a fresh one starts with a clean slate
            closeQuietly(failed, Duration.ZERO);
        }
    }

    /**
     * Deletes published rows older than the retention and processed-event marks older than the dedupe retention, in
     * chunks, if no other relay of this schema holds the lock.
     *
     * @return how many rows were deleted, or empty if another relay holds the lock
     */
    public OptionalInt cleanup() {
        OptionalInt outbox = deleteOlderThan(DELETE_PUBLISHED, settings.retention());
        if (outbox.isEmpty()) {
            return outbox;
        }
        OptionalInt processed = deleteOlderThan(DELETE_PROCESSED, settings.dedupeRetention());
        return processed.isEmpty() ? processed : OptionalInt.of(outbox.getAsInt() + processed.getAsInt());
    }

    private OptionalInt deleteOlderThan(String delete, Duration age) {
        int deleted = 0;
        while (true) {
            OptionalInt chunk = deleteChunk(delete, age.toMillis());
            if (chunk.isEmpty()) {
                return chunk;
            }
            deleted += chunk.getAsInt();
            if (chunk.getAsInt() < CLEANUP_CHUNK) {
                return OptionalInt.of(deleted);
            }
        }
    }

    private OptionalInt deleteChunk(String delete, long keepMillis) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement(delete)) {
                if (!tryLock(c)) {
                    c.rollback();
                    return OptionalInt.empty();
                }
                d.setLong(1, keepMillis);
                int count = d.executeUpdate();
                c.commit();
                return OptionalInt.of(count);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new OutboxException("outbox cleanup failed: " + e.getMessage(), e);
        }
    }

    /**
     * One round in the transaction of {@code c}: sends the batch's rows that nobody sends at once, marks them and the
     * rows sent at once that Kafka acknowledged (their event ids are added to {@code marked}).
     */
    private OptionalInt publishBatch(Connection c, List<UUID> marked) throws SQLException {
        List<Row> batch = lockAndSelectBatch(c);
        if (batch == null) {
            return OptionalInt.empty();
        }
        expireClaims();
        List<UUID> acknowledged = new ArrayList<>(sentAtOnce);
        List<Row> rows = claims.isEmpty()
                ? batch
                : batch.stream().filter(row -> !claims.containsKey(row.eventId())).toList();
        if (!rows.isEmpty()) {
            send(rows);
            try (PreparedStatement mark = c.prepareStatement(MARK_PUBLISHED)) {
                mark.setArray(1, c.createArrayOf("bigint", rows.stream().map(Row::id).toArray()));
                mark.executeUpdate();
            }
        }
        if (!acknowledged.isEmpty()) {
            try (PreparedStatement mark = c.prepareStatement(MARK_SENT_AT_ONCE)) {
                mark.setArray(1, c.createArrayOf("uuid", acknowledged.toArray()));
                mark.executeUpdate();
            }
            marked.addAll(acknowledged);
        }
        // claimed rows still waiting for their acknowledgement do not count: a batch of them is no reason to go on
        return OptionalInt.of(rows.size() + acknowledged.size());
    }

    /** Claims older than the delivery timeout (and 5 s) end: their rows are sent by the rounds again, if unpublished. */
    private void expireClaims() {
        if (claims.isEmpty()) {
            return;
        }
        long oldest = System.nanoTime() - settings.deliveryTimeout().plusSeconds(5).toNanos();
        claims.entrySet().removeIf(claim -> claim.getValue() - oldest < 0);
        sentAtOnce.removeIf(id -> !claims.containsKey(id));
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TRY_LOCK)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Takes the lock and reads a batch in one round trip; answers null if another relay holds the lock. The batch's
     * query takes the lock again (it is re-entrant), and reads nothing without it: a relay must never lock rows while
     * another one publishes, or that one would skip them and break the per-key order.
     */
    private List<Row> lockAndSelectBatch(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(LOCK_AND_SELECT_BATCH)) {
            select.setInt(1, settings.batchSize());
            select.execute();
            boolean locked;
            try (ResultSet rs = select.getResultSet()) {
                rs.next();
                locked = rs.getBoolean(1);
            }
            select.getMoreResults();
            try (ResultSet rs = select.getResultSet()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getBytes(6), headers(rs.getArray(7), rs.getArray(8))));
                }
            }
            return locked ? rows : null;
        }
    }

    private static Map<String, String> headers(Array names, Array values) throws SQLException {
        if (names == null) {
            return Map.of();
        }
        String[] n = (String[]) names.getArray();
        String[] v = (String[]) values.getArray();
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) {
            headers.put(n[i], v[i]);
        }
        return headers;
    }

    /**
     * Sends the rows in order and returns once Kafka acknowledged every one of them. Stops at the first failure: a
     * record that cannot be sent (say, no metadata while Kafka is down) fails the whole round at once, instead of
     * every following record waiting for the same timeout.
     */
    private void send(List<Row> rows) {
        Producer<String, byte[]> kafka = producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        AtomicReference<Exception> firstError = new AtomicReference<>();
        Callback onError = (metadata, error) -> {
            if (error != null) {
                firstError.compareAndSet(null, error);
            }
        };
        try {
            for (Row row : rows) {
                acks.add(kafka.send(record(row), onError));
                if (firstError.get() != null) {
                    throw kafkaFailure(rows, firstError.get());
                }
            }
            kafka.flush();
            long deadline = System.nanoTime() + settings.deliveryTimeout().plusSeconds(5).toNanos();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw kafkaFailure(rows, e.getCause());
        } catch (OutboxException e) {
            throw e;
        } catch (TimeoutException | RuntimeException e) {
            throw kafkaFailure(rows, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw kafkaFailure(rows, e);
        }
    }

    private OutboxException kafkaFailure(List<Row> rows, Throwable cause) {
        producerFailed = true; // replaced when the round ends, once the lock is released
        long first = rows.get(0).id();
        long last = rows.get(rows.size() - 1).id();
        return new OutboxException("cannot publish outbox rows " + first + ".." + last + " to Kafka at "
                + settings.bootstrapServers() + ": " + cause, cause);
    }

    private static ProducerRecord<String, byte[]> record(Row row) {
        return record(row.eventId(), row.type(), row.topic(), row.key(), row.payload(), row.headers());
    }

    private static ProducerRecord<String, byte[]> record(UUID eventId, String type, String topic, String key,
            byte[] payload, Map<String, String> extraHeaders) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(OutboxMessage.ID_HEADER, eventId.toString().getBytes(StandardCharsets.UTF_8));
        headers.add(OutboxMessage.TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
        extraHeaders.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, key, payload, headers);
    }

    private Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(settings.producerConfig());
        }
        return producer;
    }

    private void closeProducer(Duration timeout) {
        Producer<String, byte[]> old;
        roundLock.lock();
        try {
            old = producer;
            producer = null;
            producerFailed = false;
        } finally {
            roundLock.unlock();
        }
        closeQuietly(old, timeout);
    }

    private void run() {
        Duration backoff = Duration.ZERO;
        long nextCleanup = System.nanoTime();
        while (running) {
            try {
                closeRetiredDirectProducers();
                if (System.nanoTime() - nextCleanup >= 0) {
                    nextCleanup = System.nanoTime() + settings.cleanupInterval().toNanos();
                    cleanup().ifPresent(n -> {
                        if (n > 0) {
                            LOG.log(System.Logger.Level.INFO, "outbox cleanup deleted " + n + " old rows");
                        }
                    });
                }
                OptionalInt round = publishBatch();
                backoff = Duration.ZERO;
                if (round.isEmpty()) {
                    pause(settings.pollInterval(), false); // another relay is publishing
                } else if (round.getAsInt() < settings.batchSize()) {
                    // drained as far as this round could see: rows committed since then came with a wake-up (which
                    // ends this pause at once), others are found within the poll interval. No empty round after each
                    // publishing one, which would only hold the lock and the CPU while the next commit waits.
                    pause(settings.pollInterval(), true);
                }
                // a full round is followed by another at once: more rows are waiting
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                failures.incrementAndGet();
                lastFailure = new Failure(Instant.now(), e);
                backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), settings.maxBackoff());
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; retrying in " + backoff.toMillis() + " ms");
                pause(backoff, false);
            }
        }
        closeProducer(Duration.ofSeconds(5));
    }

    /** Waits for the duration, until stopped, or (if {@code wakeable}) until {@link #wakeUp()}. */
    private void pause(Duration duration, boolean wakeable) {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (signal) {
            try {
                while (running && !(wakeable && wakeUpRequested)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            if (wakeable) {
                wakeUpRequested = false;
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private record Row(long id, UUID eventId, String topic, String key, String type, byte[] payload,
            Map<String, String> headers) {
    }

    /** A failed round: when, and why. */
    public record Failure(Instant at, Throwable error) {
    }

    /**
     * How the relay runs.
     *
     * @param bootstrapServers   Kafka bootstrap servers
     * @param pollInterval       how long an idle relay waits before looking again (unless woken up)
     * @param batchSize          rows per round (one transaction)
     * @param deliveryTimeout    how long Kafka may take to acknowledge a round before it is rolled back and retried
     * @param maxBackoff         the longest wait between failed rounds (waits double from 100 ms)
     * @param retention          how long published rows are kept
     * @param dedupeRetention    how long processed-event marks are kept: longer than the topics' retention, so that a
     *                           replay from the earliest offset is still deduplicated
     * @param cleanupInterval    how often old rows are deleted
     * @param producerProperties extra Kafka producer properties, such as {@code security.protocol}; they cannot weaken
     *                           the guarantees (idempotence, {@code acks=all}, at most 5 requests in flight)
     */
    public record Settings(String bootstrapServers, Duration pollInterval, int batchSize, Duration deliveryTimeout,
            Duration maxBackoff, Duration retention, Duration dedupeRetention, Duration cleanupInterval,
            Map<String, String> producerProperties) {

        public Settings {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException(
                        "the Kafka bootstrap servers are required (kafka.bootstrap.servers)");
            }
            requirePositive(pollInterval, "pollInterval");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            requirePositive(deliveryTimeout, "deliveryTimeout");
            if (deliveryTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("deliveryTimeout must be at least 1 s, got " + deliveryTimeout);
            }
            requirePositive(maxBackoff, "maxBackoff");
            Objects.requireNonNull(retention, "retention is required");
            Objects.requireNonNull(dedupeRetention, "dedupeRetention is required");
            if (retention.isNegative() || dedupeRetention.isNegative()) {
                throw new IllegalArgumentException("retentions cannot be negative");
            }
            requirePositive(cleanupInterval, "cleanupInterval");
            producerProperties = Map.copyOf(producerProperties == null ? Map.of() : producerProperties);
        }

        /**
         * Poll every 200 ms, 500 rows per round, 10 s delivery timeout, backoff up to 5 s, keep published rows 7 days
         * and processed-event marks 14 days, clean up every 15 minutes.
         */
        public static Settings defaults(String bootstrapServers) {
            return new Settings(bootstrapServers, Duration.ofMillis(200), 500, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), Duration.ofDays(7), Duration.ofDays(14), Duration.ofMinutes(15), Map.of());
        }

        public Settings withPollInterval(Duration value) {
            return new Settings(bootstrapServers, value, batchSize, deliveryTimeout, maxBackoff, retention,
                    dedupeRetention, cleanupInterval, producerProperties);
        }

        public Settings withBatchSize(int value) {
            return new Settings(bootstrapServers, pollInterval, value, deliveryTimeout, maxBackoff, retention,
                    dedupeRetention, cleanupInterval, producerProperties);
        }

        public Settings withDeliveryTimeout(Duration value) {
            return new Settings(bootstrapServers, pollInterval, batchSize, value, maxBackoff, retention,
                    dedupeRetention, cleanupInterval, producerProperties);
        }

        public Settings withMaxBackoff(Duration value) {
            return new Settings(bootstrapServers, pollInterval, batchSize, deliveryTimeout, value, retention,
                    dedupeRetention, cleanupInterval, producerProperties);
        }

        public Settings withRetention(Duration value) {
            return new Settings(bootstrapServers, pollInterval, batchSize, deliveryTimeout, maxBackoff, value,
                    dedupeRetention, cleanupInterval, producerProperties);
        }

        public Settings withDedupeRetention(Duration value) {
            return new Settings(bootstrapServers, pollInterval, batchSize, deliveryTimeout, maxBackoff, retention,
                    value, cleanupInterval, producerProperties);
        }

        public Settings withCleanupInterval(Duration value) {
            return new Settings(bootstrapServers, pollInterval, batchSize, deliveryTimeout, maxBackoff, retention,
                    dedupeRetention, value, producerProperties);
        }

        public Settings withProducerProperties(Map<String, String> value) {
            return new Settings(bootstrapServers, pollInterval, batchSize, deliveryTimeout, maxBackoff, retention,
                    dedupeRetention, cleanupInterval, value);
        }

        /** The configuration of the relay's producer: defaults, then {@link #producerProperties()}, then guarantees. */
        public Map<String, Object> producerConfig() {
            long delivery = deliveryTimeout.toMillis();
            Map<String, Object> config = new HashMap<>();
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "strata-outbox-relay");
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (delivery / 2));
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, delivery);
            config.putAll(producerProperties);
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            int inFlight = Integer.parseInt(String.valueOf(
                    config.getOrDefault(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)));
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Math.max(1, Math.min(inFlight, 5)));
            return config;
        }

        private static void requirePositive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
            }
        }
    }
}
