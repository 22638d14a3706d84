package dev.strata.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdempotentConsumerTest {

    private final IdempotentConsumer consumer = new IdempotentConsumer();
    private DataSource dataSource;

    @BeforeEach
    void schema() throws Exception {
        dataSource = TestStack.dataSource(TestStack.createSchema("consumer"));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE effect (event_id uuid NOT NULL, handler text NOT NULL)");
        }
    }

    @Test
    void theSameEventTwiceIsHandledOnce() throws Exception {
        UUID event = UUID.randomUUID();

        assertTrue(handleAndCommit("registry.tasks", event));
        assertFalse(handleAndCommit("registry.tasks", event), "the redelivery is skipped");
        assertTrue(handleAndCommit("notifier.tasks", event), "another consumer handles it once too");
        assertFalse(handleAndCommit("notifier.tasks", event));

        assertEquals(1, count("SELECT count(*) FROM effect WHERE handler = 'registry.tasks'"));
        assertEquals(1, count("SELECT count(*) FROM effect WHERE handler = 'notifier.tasks'"));
        assertEquals(2, count("SELECT count(*) FROM processed_event WHERE event_id = '" + event + "'"));
    }

    @Test
    void workThatFailsLeavesNoMarkSoTheRetryHandlesIt() throws Exception {
        UUID event = UUID.randomUUID();
        IllegalStateException boom = new IllegalStateException("boom");
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> consumer.processOnce(tx, "registry.tasks", event, work -> {
                        insertEffect(work, event, "registry.tasks");
                        throw boom;
                    }));
            assertSame(boom, thrown);
            tx.rollback();
        }
        assertEquals(0, count("SELECT count(*) FROM processed_event"));

        assertTrue(handleAndCommit("registry.tasks", event), "the retry handles the event");
        assertEquals(1, count("SELECT count(*) FROM effect"));
    }

    @Test
    void workThatFailsIsUndoneWithItsMarkEvenIfTheCallerCommits() throws Exception {
        UUID event = UUID.randomUUID();
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            assertThrows(IllegalStateException.class, () -> consumer.processOnce(tx, "registry.tasks", event, work -> {
                insertEffect(work, event, "registry.tasks");
                throw new IllegalStateException("boom");
            }));
            // a careless caller that commits whatever else it did
            tx.commit();
        }
        assertEquals(0, count("SELECT count(*) FROM processed_event"));
        assertEquals(0, count("SELECT count(*) FROM effect"));

        assertTrue(handleAndCommit("registry.tasks", event));
        assertEquals(1, count("SELECT count(*) FROM effect"));
    }

    @Test
    void aConcurrentRedeliveryWaitsForTheFirstAndIsSkipped() throws Exception {
        UUID event = UUID.randomUUID();
        try (Connection first = dataSource.getConnection()) {
            first.setAutoCommit(false);
            assertTrue(consumer.processOnce(first, "registry.tasks", event, work -> insertEffect(work, event, "a")));

            CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return handleAndCommit("registry.tasks", event);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> second.get(300, TimeUnit.MILLISECONDS),
                    "the second delivery waits on the first one's mark");
            first.commit();
            assertFalse(second.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, count("SELECT count(*) FROM effect"));
    }

    @Test
    void refusesAConnectionInAutoCommitMode() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThrows(IllegalStateException.class,
                    () -> consumer.processOnce(c, "registry.tasks", UUID.randomUUID(), work -> {
                    }));
        }
        assertEquals(0, count("SELECT count(*) FROM processed_event"));
    }

    @Test
    void markProcessedSkipsARedeliveryAndARolledBackMarkLetsTheRetryThrough() throws Exception {
        UUID event = UUID.randomUUID();
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            assertTrue(consumer.markProcessed(tx, "scheduler.events", event));
            insertEffect(tx, event, "first");
            tx.rollback(); // the work failed: the caller rolls back mark and effect together
        }
        assertEquals(0, count("SELECT count(*) FROM processed_event"));

        for (String attempt : new String[]{"retry", "redelivery"}) {
            try (Connection tx = dataSource.getConnection()) {
                tx.setAutoCommit(false);
                if (consumer.markProcessed(tx, "scheduler.events", event)) {
                    insertEffect(tx, event, attempt);
                }
                tx.commit();
            }
        }
        assertEquals(1, count("SELECT count(*) FROM effect WHERE handler = 'retry'"));
        assertEquals(1, count("SELECT count(*) FROM effect"), "the redelivery was skipped");
        try (Connection c = dataSource.getConnection()) {
            assertThrows(IllegalStateException.class, () -> consumer.markProcessed(c, "scheduler.events", event));
        }
    }

    @Test
    void markAllProcessedAnswersOnlyTheEventsNotSeenBeforeOnceEach() throws Exception {
        UUID seen = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            assertTrue(consumer.markProcessed(tx, "scheduler.events", seen));
            tx.commit();
        }
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            // a redelivered event, a new one delivered twice in the same poll, and another new one
            assertEquals(Set.of(fresh, other),
                    consumer.markAllProcessed(tx, "scheduler.events", List.of(seen, fresh, fresh, other)));
            tx.rollback(); // the work failed: nothing is marked
        }
        assertEquals(1, count("SELECT count(*) FROM processed_event"));
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            assertEquals(Set.of(fresh), consumer.markAllProcessed(tx, "scheduler.events", List.of(seen, fresh)));
            tx.commit();
        }
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            assertEquals(Set.of(), consumer.markAllProcessed(tx, "scheduler.events", List.of(seen, fresh)));
            assertEquals(Set.of(other), consumer.markAllProcessed(tx, "registry.tasks", List.of(other)),
                    "marks are per consumer");
            tx.commit();
        }
        try (Connection c = dataSource.getConnection()) {
            assertThrows(IllegalStateException.class,
                    () -> consumer.markAllProcessed(c, "scheduler.events", List.of(UUID.randomUUID())));
        }
    }

    private boolean handleAndCommit(String handler, UUID event) throws SQLException {
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            boolean handled = consumer.processOnce(tx, handler, event, work -> insertEffect(work, event, handler));
            tx.commit();
            return handled;
        }
    }

    private static void insertEffect(Connection tx, UUID event, String handler) throws SQLException {
        try (PreparedStatement insert = tx.prepareStatement("INSERT INTO effect (event_id, handler) VALUES (?, ?)")) {
            insert.setObject(1, event);
            insert.setString(2, handler);
            insert.executeUpdate();
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
