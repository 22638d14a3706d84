package dev.strata.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Handles each event at most once per consumer, although Kafka and the outbox relay deliver it at least once.
 * <p>
 * The mark "consumer X processed event E" is a row in {@code processed_event}, written in the same database
 * transaction as the side effect. So the side effect MUST be in that transaction too (rows in the same database,
 * through {@code tx}): then a crash before the commit loses both, and the redelivered event is processed again; a
 * crash after the commit keeps both, and the redelivery is skipped. A side effect outside the transaction (an HTTP
 * call, an e-mail, a file in S3) can still happen twice; make it idempotent itself, or record the intent here and
 * perform it from an outbox.
 * <p>
 * Stateless and thread-safe.
 */
public final class IdempotentConsumer {

    /** Undoes the mark if the work fails; plain SQL, because pools refuse rollback(Savepoint) inside JTA. */
    private static final String SAVEPOINT = "strata_processed_event";

    static final String MARK = """
            INSERT INTO processed_event (consumer, event_id) VALUES (?, ?)
            ON CONFLICT (consumer, event_id) DO NOTHING
            """;

    static final String MARK_ALL = """
            INSERT INTO processed_event (consumer, event_id) SELECT ?, id FROM unnest(?::uuid[]) AS ids(id)
            ON CONFLICT (consumer, event_id) DO NOTHING
            RETURNING event_id
            """;

    /**
     * Runs {@code work} in the transaction of {@code tx} unless {@code consumer} has processed {@code eventId} already.
     * The caller commits.
     * <p>
     * If {@code work} throws, the mark is undone (back to a savepoint) before the exception propagates, so a retry of
     * the event processes it, even if the caller commits the rest of its transaction. While a first delivery is being
     * processed, a concurrent second one waits on the mark's row lock and then returns false (or true if the first
     * rolled back).
     *
     * @return true if the work ran; false if the event was processed before and nothing was done
     * @throws IllegalStateException if {@code tx} is in auto-commit mode
     */
    public boolean processOnce(Connection tx, String consumer, UUID eventId, SqlWork work) throws SQLException {
        Objects.requireNonNull(work, "work is required");
        check(tx, consumer, eventId, "processOnce");
        execute(tx, "SAVEPOINT " + SAVEPOINT);
        boolean marked = mark(tx, consumer, eventId);
        if (!marked) {
            execute(tx, "RELEASE SAVEPOINT " + SAVEPOINT);
            return false;
        }
        try {
            work.run(tx);
        } catch (SQLException | RuntimeException | Error e) {
            try {
                execute(tx, "ROLLBACK TO SAVEPOINT " + SAVEPOINT);
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        execute(tx, "RELEASE SAVEPOINT " + SAVEPOINT);
        return true;
    }

    /**
     * Marks {@code eventId} as processed by {@code consumer} in the transaction of {@code tx}, without a savepoint: one
     * statement instead of three. Use it only when the caller rolls back its whole transaction if the work fails (as a
     * {@code @Transactional} method that throws does), because the mark is not undone on its own. A concurrent second
     * delivery waits on the mark's row lock and then gets false (or true if the first rolled back).
     *
     * @return true if the event is new for this consumer and its work must run now; false if it was processed before
     * @throws IllegalStateException if {@code tx} is in auto-commit mode
     */
    public boolean markProcessed(Connection tx, String consumer, UUID eventId) throws SQLException {
        check(tx, consumer, eventId, "markProcessed");
        return mark(tx, consumer, eventId);
    }

    /**
     * As {@link #markProcessed} for several events in one statement (one round trip): marks those that {@code consumer}
     * has not processed yet and answers them. The same rule applies: the caller rolls back its whole transaction if the
     * work of any of them fails.
     *
     * @return the ids of {@code eventIds} that are new for this consumer, whose work must run now
     * @throws IllegalStateException if {@code tx} is in auto-commit mode
     */
    public Set<UUID> markAllProcessed(Connection tx, String consumer, Collection<UUID> eventIds) throws SQLException {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        for (UUID id : eventIds) {
            check(tx, consumer, id, "markAllProcessed");
        }
        Set<UUID> marked = new HashSet<>();
        try (PreparedStatement mark = tx.prepareStatement(MARK_ALL)) {
            mark.setString(1, consumer);
            mark.setArray(2, tx.createArrayOf("uuid", eventIds.toArray()));
            try (ResultSet rs = mark.executeQuery()) {
                while (rs.next()) {
                    marked.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return marked;
    }

    private static void check(Connection tx, String consumer, UUID eventId, String method) throws SQLException {
        Objects.requireNonNull(eventId, "eventId is required");
        if (consumer == null || consumer.isBlank()) {
            throw new IllegalArgumentException("consumer is required: name the handler, e.g. 'registry.task-events'");
        }
        if (tx.getAutoCommit()) {
            throw new IllegalStateException(method + " needs the caller's transaction, but the connection is in "
                    + "auto-commit mode: call setAutoCommit(false) (or use @Transactional) and commit afterwards");
        }
    }

    private static boolean mark(Connection tx, String consumer, UUID eventId) throws SQLException {
        try (PreparedStatement mark = tx.prepareStatement(MARK)) {
            mark.setString(1, consumer);
            mark.setObject(2, eventId);
            return mark.executeUpdate() == 1;
        }
    }

    private static void execute(Connection tx, String sql) throws SQLException {
        try (Statement statement = tx.createStatement()) {
            statement.execute(sql);
        }
    }
}
