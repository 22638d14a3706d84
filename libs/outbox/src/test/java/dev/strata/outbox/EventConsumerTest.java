package dev.strata.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.Topics;

/**
 * The one consumer loop against real Kafka and PostgreSQL. Each event's effect is a row in {@code applied}, written
 * with its processed mark in one transaction, as a service's handler does.
 */
class EventConsumerTest {

    private static final EventCodec CODEC = new EventCodec();

    private DataSource dataSource;
    private String topic;
    private final List<EventConsumer> consumers = new ArrayList<>();
    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private final AtomicInteger relayWakeUps = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        String schema = TestStack.createSchema("inbox");
        dataSource = TestStack.dataSource(schema);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE applied (event_id uuid PRIMARY KEY, worker text NOT NULL)");
        }
        topic = "inbox-test-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
    }

    @AfterEach
    void tearDown() {
        consumers.forEach(EventConsumer::close);
    }

    @Test
    void aPoisonEventIsDeadLetteredAfterItsTriesWithTheReasonAndTheNextEventIsStillHandled() throws Exception {
        Map<UUID, AtomicInteger> tries = new ConcurrentHashMap<>();
        UUID poison = send("w-1", "same-key");
        UUID next = send("w-2", "same-key"); // same key: same partition, after the poison
        EventConsumer.Handler handler = events -> {
            for (EventConsumer.Received r : events) {
                tries.computeIfAbsent(r.event().id(), id -> new AtomicInteger()).incrementAndGet();
                if (r.event().id().equals(poison)) {
                    throw new IllegalArgumentException("amount 'abc' is not a number");
                }
                apply(r);
            }
        };
        String name = "test.poison-" + topic;
        start(EventConsumer.Settings.of(name, servers(), "g-" + topic, List.of(topic))
                .withRetry(3, Duration.ofMillis(20), Duration.ofMillis(100)), handler);

        waitFor(() -> applied().contains(next), "the event after the poison is handled");
        assertEquals(Set.of(next), applied(), "the poison changed nothing");
        // maxAttempts tries on its own, plus the try of the batch it came in when the next event came with it
        int poisonTries = tries.get(poison).get();
        assertTrue(poisonTries == 3 || poisonTries == 4, "tried " + poisonTries + " times");

        // the dead letter, with its reason: in the table (for the API) and, through the outbox, on the topic
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT consumer, topic, event_id, reason FROM dead_letter")) {
            assertTrue(rs.next(), "a dead letter");
            assertEquals(name, rs.getString(1));
            assertEquals(topic, rs.getString(2));
            assertEquals(poison.toString(), rs.getString(3));
            assertTrue(rs.getString(4).contains("amount 'abc' is not a number"), rs.getString(4));
            assertTrue(!rs.next(), "only the poison");
        }
        assertEquals(1, relayWakeUps.get(), "the relay is woken for the dead letter");
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults(servers());
        try (OutboxRelay relay = new OutboxRelay(dataSource, settings)) {
            relay.start();
            ConsumerRecord<String, byte[]> letter = readDeadLetter(name);
            assertEquals(topic, header(letter, DeadLetters.TOPIC_HEADER));
            assertTrue(header(letter, DeadLetters.REASON_HEADER).contains("amount 'abc' is not a number"));
            assertEquals(poison, CODEC.decode(letter.value()).id(), "the record as it was");
        }

        // the offsets are committed past both: a new consumer of the group reads nothing again
        tries.clear();
        consumers.forEach(EventConsumer::close);
        UUID after = send("w-3", "same-key");
        start(EventConsumer.Settings.of(name, servers(), "g-" + topic, List.of(topic)), handler);
        waitFor(() -> applied().contains(after), "the next event");
        assertEquals(Set.of(after), tries.keySet(), "nothing handled twice after a clean stop");
    }

    @Test
    void anUndecodableRecordIsDeadLetteredAtOnce() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "k", "not json".getBytes(StandardCharsets.UTF_8))).get();
        }
        UUID good = send("w-1", "k");
        start(EventConsumer.Settings.of("test.undecodable", servers(), "g-" + topic, List.of(topic)), this::applyAll);
        waitFor(() -> applied().contains(good), "the good event");
        assertTrue(deadLetterReasons().get(0).startsWith("undecodable"), deadLetterReasons().toString());
    }

    @Test
    void aCrashBetweenTheHandlersCommitAndTheOffsetCommitDoesNotApplyTwice() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventConsumer.Handler handler = events -> {
            calls.addAndGet(events.size());
            applyAll(events);
        };
        List<UUID> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(send("w-" + i, "k-" + i));
        }
        // no offset is committed before the crash: an interval longer than the test
        EventConsumer first = start(EventConsumer.Settings.of("test.crash", servers(), "g-" + topic, List.of(topic))
                .withCommitInterval(Duration.ofHours(1)), handler);
        waitFor(() -> applied().size() == 10, "all applied by the first consumer");
        first.crash();

        int before = calls.get();
        start(EventConsumer.Settings.of("test.crash", servers(), "g-" + topic, List.of(topic)), handler);
        waitFor(() -> calls.get() >= before + 10, "the uncommitted events come again");
        assertEquals(Set.copyOf(sent), applied(), "each applied once: the mark skipped the redeliveries");
        assertEquals(10, count("processed_event"));
    }

    @Test
    void aRebalanceHandsPartitionsOverWithoutLosingOrRepeatingEvents() throws Exception {
        Map<String, AtomicInteger> byConsumer = new ConcurrentHashMap<>();
        List<UUID> sent = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        EventConsumer.Handler counting = events -> {
            calls.addAndGet(events.size());
            byConsumer.computeIfAbsent(Thread.currentThread().getName(), n -> new AtomicInteger())
                    .addAndGet(events.size());
            applyAll(events);
        };
        for (int i = 0; i < 30; i++) {
            sent.add(send("w", "k-" + i));
        }
        EventConsumer a = start(EventConsumer.Settings.of("test.rebalance-a", servers(), "g-" + topic,
                List.of(topic)), counting);
        waitFor(() -> applied().size() == 30, "the first consumer handles the first 30");
        // a second member joins: the partitions are split; then the first leaves: the second takes all
        start(EventConsumer.Settings.of("test.rebalance-b", servers(), "g-" + topic, List.of(topic)), counting);
        for (int i = 30; i < 60; i++) {
            sent.add(send("w", "k-" + i));
        }
        waitFor(() -> applied().size() == 60, "60 applied while two share the group");
        a.close();
        for (int i = 60; i < 90; i++) {
            sent.add(send("w", "k-" + i));
        }
        waitFor(() -> applied().size() == 90, "90 applied after the first left");
        assertEquals(Set.copyOf(sent), applied());
        assertEquals(90, calls.get(), "no event handled twice: revoked partitions were committed");
        assertNotNull(byConsumer.get("test.rebalance-b"), "the second consumer took partitions");
    }

    // --- helpers

    private EventConsumer start(EventConsumer.Settings settings, EventConsumer.Handler handler) {
        EventConsumer consumer = new EventConsumer(settings.withProperties(Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500)),
                handler, new DeadLetters(dataSource, relayWakeUps::incrementAndGet), null);
        consumers.add(consumer);
        return consumer.start();
    }

    private void applyAll(List<EventConsumer.Received> events) throws SQLException {
        for (EventConsumer.Received r : events) {
            apply(r);
        }
    }

    private void apply(EventConsumer.Received r) throws SQLException {
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            idempotent.processOnce(tx, "test", r.event().id(), work -> {
                try (PreparedStatement insert = work.prepareStatement("INSERT INTO applied VALUES (?, ?)")) {
                    insert.setObject(1, r.event().id());
                    insert.setString(2, ((TaskHeartbeated) r.event().data()).worker());
                    insert.executeUpdate();
                }
            });
            tx.commit();
        }
    }

    private UUID send(String worker, String key) throws Exception {
        EventEnvelope<TaskHeartbeated> event = EventEnvelope.of("/strata/test", key,
                new TaskHeartbeated(UUID.randomUUID(), worker, 1));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, CODEC.encode(event));
            record.headers().add(OutboxMessage.ID_HEADER, event.id().toString().getBytes(StandardCharsets.UTF_8));
            record.headers().add(OutboxMessage.TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        return event.id();
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers()), new StringSerializer(),
                new ByteArraySerializer());
    }

    private ConsumerRecord<String, byte[]> readDeadLetter(String consumerName) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.DEAD_LETTERS));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (consumerName.equals(header(r, DeadLetters.CONSUMER_HEADER))) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no dead letter of " + consumerName + " on " + Topics.DEAD_LETTERS);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Set<UUID> applied() {
        Set<UUID> ids = new java.util.HashSet<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_id FROM applied")) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private List<String> deadLetterReasons() throws SQLException {
        List<String> reasons = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT reason FROM dead_letter ORDER BY record_offset")) {
            while (rs.next()) {
                reasons.add(rs.getString(1));
            }
        }
        return reasons;
    }

    private int count(String table) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String servers() {
        return TestStack.get().kafka().bootstrapServers();
    }
}
