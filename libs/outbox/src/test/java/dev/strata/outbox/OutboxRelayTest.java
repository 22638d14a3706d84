package dev.strata.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.strata.devstack.DevStack;

class OutboxRelayTest {

    private static final int KEYS = 20;
    private static final int WRITERS = 4;
    private static final String TYPE = "dev.strata.test.thing.happened.v1";

    @Test
    void publishesEveryCommittedEventOnceInKeyOrderDespiteACrashAndAKafkaOutage() throws Exception {
        DevStack stack = TestStack.get();
        String schema = TestStack.createSchema("relay");
        DataSource dataSource = TestStack.dataSource(schema);
        String topic = "strata.test.outbox." + schema;
        Writers writers = new Writers(dataSource, topic);

        // committed in many small transactions by concurrent writers, each the only writer of its keys
        writers.write(1200);
        Set<UUID> rolledBack = writers.writeRolledBack(5);

        // a relay in its own JVM: 3 rounds of 200 commit, the 4th freezes once Kafka has acknowledged 100 of its
        // records, and the process is killed -9 there, while the writers keep writing
        Set<UUID> markedAtCrash;
        Set<UUID> unmarkedAtCrash;
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (RelayChild child = RelayChild.start(stack, schema, 200, 700)) {
            Future<?> moreWrites = background.submit(() -> {
                writers.write(800);
                return null;
            });
            child.awaitLine("FROZEN", Duration.ofSeconds(60));
            moreWrites.get(60, TimeUnit.SECONDS);
            assertEquals(600, publishedRows(dataSource), "the killed relay committed 3 whole rounds");
            child.kill();
            markedAtCrash = eventIds(dataSource, "published_at IS NOT NULL", 600);
            unmarkedAtCrash = eventIds(dataSource, "published_at IS NULL", 200);
        } finally {
            background.shutdownNow();
        }

        // Kafka goes down; events are still written, and a fresh relay fails to publish them
        stack.kafka().stop();
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults(stack.kafka().bootstrapServers())
                .withDeliveryTimeout(Duration.ofSeconds(3))
                .withMaxBackoff(Duration.ofSeconds(1));
        try (OutboxRelay relay = new OutboxRelay(dataSource, settings)) {
            relay.start();
            writers.write(300);
            relay.wakeUp();
            await("the relay to fail while Kafka is down", Duration.ofSeconds(30), () -> relay.failureCount() > 0);
            assertEquals(writers.committed.size() - 600, relay.pendingCount(),
                    "nothing is marked published while Kafka is down");
            assertTrue(relay.lastFailure().isPresent());

            stack.kafka().start();
            await("the relay to publish everything", Duration.ofSeconds(60), () -> relay.pendingCount() == 0);
            assertEquals(writers.committed.size() - 600, relay.publishedCount());
        }
        assertEquals(0, unpublishedRows(dataSource), "no unpublished rows are left");
        assertEquals(2300, writers.committed.size());

        // a consumer with a fresh group reads the whole topic and applies it through the idempotent consumer
        List<UUID> onTopic = consumeAll(stack, dataSource, topic, writers);

        Set<UUID> distinctOnTopic = new HashSet<>(onTopic);
        assertEquals(writers.committed.keySet(), distinctOnTopic, "every committed event arrived, nothing else");
        assertTrue(rolledBack.stream().noneMatch(distinctOnTopic::contains), "no rolled-back event was published");
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM received")) {
            rs.next();
            assertEquals(writers.committed.size(), rs.getInt(1), "one row per event in the consumer's table");
            assertEquals(writers.committed.size(), rs.getInt(2));
        }
        Map<UUID, Integer> copies = new HashMap<>();
        onTopic.forEach(id -> copies.merge(id, 1, Integer::sum));
        long resent = unmarkedAtCrash.stream().filter(id -> copies.get(id) >= 2).count();
        assertTrue(resent >= 100, "rows sent but not marked by the killed relay were sent again (" + resent + ")");
        assertEquals(onTopic.size() - distinctOnTopic.size(), copies.values().stream().mapToInt(n -> n - 1).sum());
        assertTrue(markedAtCrash.stream().allMatch(id -> copies.get(id) == 1), "rows marked published are not resent");

        // per key, the events were handled in the order they were written
        Map<String, List<Integer>> handled = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_key, n FROM received ORDER BY seq")) {
            while (rs.next()) {
                handled.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getInt(2));
            }
        }
        assertEquals(KEYS, handled.size());
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT key, n FROM thing")) {
            while (rs.next()) {
                assertEquals(writers.lastN(rs.getString(1)), rs.getInt(2), "state and events of " + rs.getString(1));
            }
        }
        handled.forEach((key, ns) -> {
            List<Integer> written = new ArrayList<>();
            for (int n = 1; n <= writers.lastN(key); n++) {
                written.add(n);
            }
            assertEquals(written, ns, "order of " + key);
        });
    }

    @Test
    void onlyOneRelayPerSchemaPublishesAtATime() throws Exception {
        DevStack stack = TestStack.get();
        String schemaA = TestStack.createSchema("lock_a");
        String schemaB = TestStack.createSchema("lock_b");
        DataSource a = TestStack.dataSource(schemaA);
        DataSource b = TestStack.dataSource(schemaB);
        new Writers(a, "strata.test.outbox." + schemaA).write(10);
        new Writers(b, "strata.test.outbox." + schemaB).write(10);
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults(stack.kafka().bootstrapServers());

        try (OutboxRelay relayA = new OutboxRelay(a, settings); OutboxRelay relayB = new OutboxRelay(b, settings)) {
            try (Connection otherReplica = a.getConnection()) {
                otherReplica.setAutoCommit(false);
                try (Statement s = otherReplica.createStatement();
                        ResultSet rs = s.executeQuery(OutboxRelay.TRY_LOCK)) {
                    rs.next();
                    assertTrue(rs.getBoolean(1));
                }
                assertEquals(OptionalInt.empty(), relayA.publishBatch(), "schema A is being published by another");
                assertEquals(OptionalInt.empty(), relayA.cleanup());
                assertEquals(10, relayA.pendingCount());
                assertEquals(OptionalInt.of(10), relayB.publishBatch(), "schema B has a lock of its own");
                otherReplica.rollback();
            }
            assertEquals(OptionalInt.of(10), relayA.publishBatch());
            assertEquals(OptionalInt.of(0), relayA.publishBatch());
            assertEquals(0, relayA.pendingCount());
        }
    }

    @Test
    void messagesSentAtOnceArriveOnceAndTheirRowsStayTheDurableRecord() throws Exception {
        DevStack stack = TestStack.get();
        String schema = TestStack.createSchema("at_once");
        DataSource dataSource = TestStack.dataSource(schema);
        String topic = "strata.test.outbox." + schema;
        OutboxWriter writer = new OutboxWriter();
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults(stack.kafka().bootstrapServers());
        List<OutboxMessage> sent = List.of(message(topic, "task-1"), message(topic, "task-2"),
                message(topic, "task-3"));
        OutboxMessage rolledBack = message(topic, "task-4");
        OutboxMessage orphan = message(topic, "task-5");

        try (OutboxRelay relay = new OutboxRelay(dataSource, settings)) {
            relay.start();
            // claimed before the commit: a round between the commit and the send leaves the rows alone
            relay.claim(sent);
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                writer.appendAll(tx, sent);
                tx.commit();
            }
            // the relay's own thread may hold the schema's lock for its first cleanup: a round of ours when it is free
            OptionalInt[] round = {OptionalInt.empty()};
            await("a round with the schema's lock", Duration.ofSeconds(10),
                    () -> (round[0] = relay.publishBatch()).isPresent());
            assertEquals(OptionalInt.of(0), round[0], "claimed rows are not the round's to send");
            assertEquals(3, relay.pendingCount());
            relay.sendNow(sent);
            // Kafka acknowledged them: a round marks their rows, without sending them again
            await("the rows sent at once to be marked", Duration.ofSeconds(30), () -> relay.pendingCount() == 0);

            relay.claim(List.of(rolledBack));
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                writer.append(tx, rolledBack);
                tx.rollback();
            }
            relay.release(List.of(rolledBack));

            // the service dies between its commit and the send: the row is there, claimed by a relay that is gone
            relay.claim(List.of(orphan));
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                writer.append(tx, orphan);
                tx.commit();
            }
        }
        assertEquals(1, unpublishedRows(dataSource), "the claimed row of a stopped relay waits");
        try (OutboxRelay next = new OutboxRelay(dataSource, settings)) {
            next.start();
            await("the next relay to publish the orphan", Duration.ofSeconds(30), () -> next.pendingCount() == 0);
            assertEquals(1, next.publishedCount());
        }

        Map<String, Integer> keys = new HashMap<>();
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    keys.merge(record.key(), 1, Integer::sum);
                    assertEquals(TYPE, header(record, OutboxMessage.TYPE_HEADER));
                    assertEquals(record.key(), header(record, "x-strata-key"), "the message's own headers");
                    assertEquals(record.key(), new String(record.value(), StandardCharsets.UTF_8));
                }
                if (keys.size() == 4 && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos(); // and nothing more
                }
            }
        }
        assertEquals(Map.of("task-1", 1, "task-2", 1, "task-3", 1, "task-5", 1), keys,
                "each committed message once; the rolled-back one never");
    }

    /**
     * The deadlock seen after a Kafka outage: a committing thread replaced the failed direct producer under the direct
     * send's lock ({@code close(Duration.ZERO)} waits for the producer's network thread), while that thread ran the
     * callback of a failed send, which needed the same lock. That needs records waiting in the producer when it fails:
     * a broker that is stopped outright makes the producer forget the cluster at once (it rebootstraps), and every
     * send then fails on the caller's thread. So here Kafka first hangs (SIGSTOP, as a partitioned or paused broker):
     * the producer knows the topic, records wait in it and fail on its network thread, while several threads append
     * and send at once for several delivery timeouts; then Kafka is killed, and restarted after the senders are done.
     */
    @Test
    void sendingAtOnceThroughAKafkaOutageNeitherDeadlocksNorLosesEvents() throws Exception {
        DevStack stack = TestStack.get();
        String schema = TestStack.createSchema("at_once_outage");
        DataSource dataSource = TestStack.dataSource(schema);
        String topic = "strata.test.outbox." + schema;
        OutboxWriter writer = new OutboxWriter();
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults(stack.kafka().bootstrapServers())
                .withDeliveryTimeout(Duration.ofSeconds(1))
                .withMaxBackoff(Duration.ofSeconds(1));
        int threads = 6;
        int rounds = 60;
        Map<UUID, String> appended = new ConcurrentHashMap<>(); // event id -> key
        List<Thread> senders = new ArrayList<>();
        OutboxRelay relay = new OutboxRelay(dataSource, settings);
        boolean stuck = true;
        try {
            relay.start();
            // the direct producer learns the topic's partitions while Kafka is up
            OutboxMessage warmUp = message(topic, "warm-up");
            relay.claim(List.of(warmUp));
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                writer.append(tx, warmUp);
                tx.commit();
            }
            appended.put(warmUp.eventId(), warmUp.key());
            relay.sendNow(List.of(warmUp));
            await("the warm-up message to be marked", Duration.ofSeconds(30), () -> relay.pendingCount() == 0);

            long kafkaPid = stack.kafka().pid().orElseThrow();
            signal(kafkaPid, "STOP");
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger failed = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread sender = new Thread(() -> {
                    try {
                        go.await();
                        for (int n = 1; n <= rounds; n++) {
                            // a request keyed by its own id, sent at once, and an event of this thread's entity,
                            // left to the rounds, in one transaction
                            OutboxMessage direct = message(topic, "task-" + thread + "-" + n);
                            OutboxMessage event = new OutboxMessage(UUID.randomUUID(), topic, "thing-" + thread, TYPE,
                                    String.valueOf(n).getBytes(StandardCharsets.UTF_8), Map.of("x-strata-n", "" + n));
                            relay.claim(List.of(direct));
                            try (Connection tx = dataSource.getConnection()) {
                                tx.setAutoCommit(false);
                                writer.appendAll(tx, List.of(direct, event));
                                tx.commit();
                            }
                            appended.put(direct.eventId(), direct.key());
                            appended.put(event.eventId(), event.key());
                            relay.sendNow(List.of(direct));
                            relay.wakeUp();
                            Thread.sleep(50);
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        throw new IllegalStateException(e);
                    }
                }, "outbox-test-sender-" + t);
                sender.setDaemon(true);
                sender.start();
                senders.add(sender);
            }
            go.countDown();
            Thread.sleep(3_000);
            signal(kafkaPid, "CONT");
            stack.kafka().stop();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (Thread sender : senders) {
                sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            List<String> alive = senders.stream().filter(Thread::isAlive).map(Thread::getName).toList();
            assertEquals(List.of(), alive, "senders stuck while Kafka is down:\n" + threadDump());
            assertEquals(0, failed.get(), "no sender failed");
            assertEquals(threads * rounds * 2 + 1, appended.size());

            stack.kafka().start();
            await("every row to be published or marked", Duration.ofSeconds(60), () -> relay.pendingCount() == 0);
            assertEquals(List.of(), blockedInTheRelay(), "threads blocked in the relay:\n" + threadDump());
            stuck = false;
        } finally {
            if (!stuck) {
                relay.close();
            } // else closing would wait for the lock of a stuck thread forever: the failure above says why
            OptionalLong frozen = stack.kafka().pid();
            if (frozen.isPresent()) {
                signal(frozen.getAsLong(), "CONT"); // if the test failed before it thawed Kafka
            } else {
                stack.kafka().start();
            }
        }

        // every event arrives; the first delivery of each event of an entity follows the order it was appended in
        List<ConsumerRecord<String, byte[]>> onTopic = readUntil(stack, topic, appended.keySet(),
                Duration.ofSeconds(60));
        Map<UUID, Integer> copies = new HashMap<>();
        Map<String, List<Integer>> firstDeliveries = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : onTopic) {
            UUID id = UUID.fromString(header(record, OutboxMessage.ID_HEADER));
            assertEquals(appended.get(id), record.key(), "event " + id + " was appended with this key");
            if (copies.merge(id, 1, Integer::sum) == 1 && record.key().startsWith("thing-")) {
                firstDeliveries.computeIfAbsent(record.key(), k -> new ArrayList<>())
                        .add(Integer.parseInt(header(record, "x-strata-n")));
            }
        }
        assertEquals(appended.keySet(), copies.keySet(), "every appended event arrived, nothing else");
        List<Integer> written = new ArrayList<>();
        for (int n = 1; n <= rounds; n++) {
            written.add(n);
        }
        assertEquals(threads, firstDeliveries.size());
        firstDeliveries.forEach((key, ns) -> assertEquals(written, ns, "order of " + key));
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    /** Records of the topic from its start until every expected event id was read (and 1 s more), or the timeout. */
    private static List<ConsumerRecord<String, byte[]>> readUntil(DevStack stack, String topic, Set<UUID> expected,
            Duration timeout) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Set<UUID> missing = new HashSet<>(expected);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                    missing.remove(UUID.fromString(header(record, OutboxMessage.ID_HEADER)));
                }
                if (missing.isEmpty() && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        assertEquals(Set.of(), missing, "events not on the topic within " + timeout.toSeconds() + " s");
        return records;
    }

    /** Threads blocked on a monitor or lock while inside the relay's code. */
    private static List<String> blockedInTheRelay() {
        List<String> blocked = new ArrayList<>();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            boolean inRelay = Arrays.stream(info.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().startsWith(OutboxRelay.class.getName()));
            boolean waitsForALock = info.getThreadState() == Thread.State.BLOCKED
                    || (info.getLockInfo() != null && info.getLockOwnerName() != null);
            if (inRelay && waitsForALock) {
                blocked.add(info.getThreadName() + " " + info.getThreadState() + " on " + info.getLockInfo()
                        + " held by " + info.getLockOwnerName());
            }
        }
        return blocked;
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
            if (info.getLockInfo() != null) {
                dump.append(" on ").append(info.getLockInfo()).append(" held by ").append(info.getLockOwnerName());
            }
            dump.append('\n');
            for (StackTraceElement frame : info.getStackTrace()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        return dump.toString();
    }

    private static OutboxMessage message(String topic, String key) {
        return new OutboxMessage(UUID.randomUUID(), topic, key, TYPE, key.getBytes(StandardCharsets.UTF_8),
                Map.of("x-strata-key", key));
    }

    @Test
    void cleanupDeletesPublishedRowsAndMarksPastTheirRetention() throws Exception {
        String schema = TestStack.createSchema("cleanup");
        DataSource dataSource = TestStack.dataSource(schema);
        Writers writers = new Writers(dataSource, "strata.test.outbox." + schema);
        writers.write(3);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE outbox SET published_at = now() - interval '8 days'"
                    + " WHERE id = (SELECT min(id) FROM outbox)");
            s.execute("UPDATE outbox SET published_at = now() - interval '6 days'"
                    + " WHERE id = (SELECT min(id) FROM outbox WHERE published_at IS NULL)");
            s.execute("INSERT INTO processed_event (consumer, event_id, processed_at) VALUES"
                    + " ('c', gen_random_uuid(), now() - interval '15 days'), ('c', gen_random_uuid(), now())");
        }
        // Kafka is never contacted for a cleanup
        OutboxRelay relay = new OutboxRelay(dataSource, OutboxRelay.Settings.defaults("127.0.0.1:1"));

        assertEquals(OptionalInt.of(2), relay.cleanup());

        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(published_at) FROM outbox")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "the recent published row and the unpublished one stay");
                assertEquals(1, rs.getInt(2));
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM processed_event")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void theWriterOnlyWritesInTheCallersTransaction() throws Exception {
        String schema = TestStack.createSchema("writer");
        DataSource dataSource = TestStack.dataSource(schema);
        OutboxMessage message = new OutboxMessage(UUID.randomUUID(), "t", "k", TYPE, new byte[]{1});
        try (Connection c = dataSource.getConnection()) {
            assertThrows(IllegalStateException.class, () -> new OutboxWriter().append(c, message));
        }
        assertEquals(0, unpublishedRows(dataSource));
        assertThrows(IllegalArgumentException.class, () -> new OutboxMessage(UUID.randomUUID(), "t", "k", TYPE,
                new byte[0], Map.of(OutboxMessage.ID_HEADER, "x")));
    }

    /** Reads the topic from the beginning to its end, applying each record once through the idempotent consumer. */
    private static List<UUID> consumeAll(DevStack stack, DataSource dataSource, String topic, Writers writers)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE received (seq bigserial PRIMARY KEY, event_id uuid NOT NULL,"
                    + " event_key text NOT NULL, n int NOT NULL)");
        }
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        IdempotentConsumer idempotent = new IdempotentConsumer();
        List<UUID> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
                Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            consumer.subscribe(List.of(topic));
            Map<TopicPartition, Long> end = null;
            while (end == null || !reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    fail("the topic was not read to its end within 60 s; " + seen.size() + " records so far");
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (end == null && !consumer.assignment().isEmpty()) {
                    end = consumer.endOffsets(consumer.assignment());
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    UUID id = UUID.fromString(header(record, OutboxMessage.ID_HEADER));
                    seen.add(id);
                    Written written = writers.committed.get(id);
                    if (written == null) {
                        fail("event " + id + " was published but never committed");
                    }
                    assertEquals(TYPE, header(record, OutboxMessage.TYPE_HEADER));
                    assertEquals(written.key(), record.key());
                    assertEquals(String.valueOf(written.n()), header(record, "x-strata-n"));
                    assertEquals(written.payload(), new String(record.value(), StandardCharsets.UTF_8));
                    idempotent.processOnce(tx, "outbox-relay-test", id, work -> {
                        try (PreparedStatement insert = work.prepareStatement(
                                "INSERT INTO received (event_id, event_key, n) VALUES (?, ?, ?)")) {
                            insert.setObject(1, id);
                            insert.setString(2, record.key());
                            insert.setInt(3, written.n());
                            insert.executeUpdate();
                        }
                    });
                }
                tx.commit();
            }
        }
        return seen;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long publishedRows(DataSource dataSource) throws SQLException {
        return count(dataSource, "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL");
    }

    private static long unpublishedRows(DataSource dataSource) throws SQLException {
        return count(dataSource, "SELECT count(*) FROM outbox WHERE published_at IS NULL");
    }

    private static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The ids of the first {@code limit} outbox rows (in id order) that match the condition. */
    private static Set<UUID> eventIds(DataSource dataSource, String condition, int limit) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT event_id FROM outbox WHERE " + condition + " ORDER BY id LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        assertEquals(limit, ids.size());
        return ids;
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    record Written(String key, int n, String payload) {
    }

    /**
     * Writes events as a service would: small transactions of 1 to 3 events about one key. Writer thread {@code w} owns
     * the keys {@code k} with {@code k % WRITERS == w}, so writes of a key are serialized, as they are when a key names
     * an entity whose row the transaction updates. Remembers what was committed.
     */
    static final class Writers {

        final Map<UUID, Written> committed = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> lastN = new ConcurrentHashMap<>();
        private final DataSource dataSource;
        private final String topic;
        private final OutboxWriter writer = new OutboxWriter();

        private static final String UPSERT_THING = """
                INSERT INTO thing (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = excluded.n
                """;

        Writers(DataSource dataSource, String topic) throws SQLException {
            this.dataSource = dataSource;
            this.topic = topic;
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS thing (key text PRIMARY KEY, n int NOT NULL)");
            }
            for (int k = 0; k < KEYS; k++) {
                lastN.put(key(k), new AtomicInteger());
            }
        }

        int lastN(String key) {
            return lastN.get(key).get();
        }

        void write(int events) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<Void>> done = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    int share = events / WRITERS + (w < events % WRITERS ? 1 : 0);
                    done.add(pool.submit(() -> {
                        writeAs(writer, share);
                        return null;
                    }));
                }
                for (Future<Void> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private void writeAs(int writerIndex, int events) throws SQLException {
            List<String> keys = new ArrayList<>();
            for (int k = writerIndex; k < KEYS; k += WRITERS) {
                keys.add(key(k));
            }
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                try (Statement s = tx.createStatement()) {
                    // the test does not crash PostgreSQL; this only makes the many small commits cheap
                    s.execute("SET synchronous_commit = off");
                }
                int written = 0;
                while (written < events) {
                    String key = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
                    int size = Math.min(events - written, 1 + ThreadLocalRandom.current().nextInt(3));
                    Map<UUID, Written> batch = new HashMap<>();
                    List<OutboxMessage> messages = new ArrayList<>();
                    int n = lastN.get(key).get();
                    for (int i = 0; i < size; i++) {
                        n++;
                        UUID id = UUID.randomUUID();
                        String payload = "{\"key\":\"" + key + "\",\"n\":" + n + "}";
                        batch.put(id, new Written(key, n, payload));
                        messages.add(new OutboxMessage(id, topic, key, TYPE, payload.getBytes(StandardCharsets.UTF_8),
                                Map.of("x-strata-n", String.valueOf(n))));
                    }
                    // the state change the events describe: odd writers send it with the events in one round trip
                    if (writerIndex % 2 == 1) {
                        writer.appendAll(tx, UPSERT_THING, List.of(key, n), messages);
                    } else {
                        try (PreparedStatement state = tx.prepareStatement(UPSERT_THING)) {
                            state.setString(1, key);
                            state.setInt(2, n);
                            state.executeUpdate();
                        }
                        writer.appendAll(tx, messages);
                    }
                    tx.commit();
                    lastN.get(key).set(n);
                    committed.putAll(batch);
                    written += size;
                }
            }
        }

        /** One transaction of {@code events} events that is rolled back; returns their ids. */
        Set<UUID> writeRolledBack(int events) throws SQLException {
            Set<UUID> ids = new HashSet<>();
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                try (PreparedStatement state = tx.prepareStatement(UPSERT_THING)) {
                    state.setString(1, key(0));
                    state.setInt(2, -1);
                    state.executeUpdate();
                }
                List<OutboxMessage> messages = new ArrayList<>();
                for (int i = 0; i < events; i++) {
                    UUID id = UUID.randomUUID();
                    ids.add(id);
                    messages.add(new OutboxMessage(id, topic, key(0), TYPE, "{\"rolledBack\":true}".getBytes(
                            StandardCharsets.UTF_8)));
                }
                writer.appendAll(tx, messages);
                tx.rollback();
            }
            return ids;
        }

        private static String key(int k) {
            return String.format("key-%02d", k);
        }
    }

    /** The relay of {@link RelayProcess}, in a child JVM that the test kills with SIGKILL. */
    static final class RelayChild implements AutoCloseable {

        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final CountDownLatch exited = new CountDownLatch(1);

        private RelayChild(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                } finally {
                    exited.countDown();
                }
            }, "relay-child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static RelayChild start(DevStack stack, String schema, int batchSize, int freezeAfterAcks) throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Path log = Path.of("target", "relay-child-" + schema + ".log");
            Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1",
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp",
                    System.getProperty("java.class.path"), RelayProcess.class.getName(), stack.postgres().jdbcUrl(),
                    stack.postgres().user(), schema, stack.kafka().bootstrapServers(), String.valueOf(batchSize),
                    String.valueOf(freezeAfterAcks))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new RelayChild(process);
        }

        void awaitLine(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (lines.stream().noneMatch(l -> l.startsWith(prefix))) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!process.isAlive() && exited.getCount() == 0)) {
                        fail("the relay process did not print " + prefix + " (alive: " + process.isAlive()
                                + ", output: " + lines + "); see target/relay-child-*.log");
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
            }
        }

        /** SIGKILL: no shutdown hook, no rollback from the JVM; PostgreSQL sees the connection drop. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the relay process is gone");
            assertFalse(process.isAlive());
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill();
            }
        }
    }
}
