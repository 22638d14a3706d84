package dev.strata.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * Writes events into the {@code outbox} table within the caller's transaction, next to the state change they
 * describe: either both are committed or neither is. It never commits or rolls back; {@link OutboxRelay} publishes
 * once the caller has committed. Stateless and thread-safe.
 */
public final class OutboxWriter {

    static final String INSERT = """
            INSERT INTO outbox (event_id, topic, event_key, event_type, payload, headers)
            VALUES (?, ?, ?, ?, ?, NULLIF(jsonb_object(?::text[], ?::text[]), '{}'::jsonb))
            """;

    /**
     * Inserts the message in the transaction of {@code tx}.
     *
     * @throws IllegalStateException if {@code tx} is in auto-commit mode: the event would then be committed on its own
     * @throws SQLException          on a database error, such as a duplicate event id; the caller rolls back
     */
    public void append(Connection tx, OutboxMessage message) throws SQLException {
        appendAll(tx, List.of(message));
    }

    /** Inserts the messages, in this order, in the transaction of {@code tx}; see {@link #append}. */
    public void appendAll(Connection tx, Collection<OutboxMessage> messages) throws SQLException {
        if (tx.getAutoCommit()) {
            throw new IllegalStateException("the outbox needs the caller's transaction, but the connection is in "
                    + "auto-commit mode: call setAutoCommit(false) (or use @Transactional) and commit after the "
                    + "state change");
        }
        if (messages.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = tx.prepareStatement(INSERT)) {
            for (OutboxMessage message : messages) {
                insert.setObject(1, message.eventId());
                insert.setString(2, message.topic());
                insert.setString(3, message.key());
                insert.setString(4, message.type());
                insert.setBytes(5, message.payload());
                insert.setArray(6, tx.createArrayOf("text", message.headers().keySet().toArray()));
                insert.setArray(7, tx.createArrayOf("text", message.headers().values().toArray()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
