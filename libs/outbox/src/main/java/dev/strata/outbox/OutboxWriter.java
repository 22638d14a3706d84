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

    private static final String INSERT_HEAD = "INSERT INTO outbox (event_id, topic, event_key, event_type, payload, "
            + "headers) VALUES ";
    private static final String INSERT_VALUES = "(?, ?, ?, ?, ?, NULLIF(jsonb_object(?::text[], ?::text[]), "
            + "'{}'::jsonb))";
    static final String INSERT = INSERT_HEAD + INSERT_VALUES;

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
        requireTransaction(tx);
        if (messages.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = tx.prepareStatement(INSERT)) {
            for (OutboxMessage message : messages) {
                bind(tx, insert, 1, message);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Runs the caller's statement {@code before} (with its parameters {@code beforeParams}), then inserts the messages,
     * in one round trip to the database, in the transaction of {@code tx}: say, the state change the events describe.
     * {@code before} is one SQL statement without a trailing semicolon, or null for none; see {@link #append} for the
     * rest.
     */
    public void appendAll(Connection tx, String before, List<Object> beforeParams,
            Collection<OutboxMessage> messages) throws SQLException {
        requireTransaction(tx);
        if (before == null && messages.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder(before == null ? "" : before);
        if (!messages.isEmpty()) {
            sql.append(before == null ? "" : ";\n").append(INSERT_HEAD);
            for (int i = 0; i < messages.size(); i++) {
                sql.append(i == 0 ? "" : ",\n").append(INSERT_VALUES);
            }
        }
        try (PreparedStatement statement = tx.prepareStatement(sql.toString())) {
            int index = 1;
            for (Object param : beforeParams) {
                statement.setObject(index++, param);
            }
            for (OutboxMessage message : messages) {
                index = bind(tx, statement, index, message);
            }
            statement.execute();
        }
    }

    private static void requireTransaction(Connection tx) throws SQLException {
        if (tx.getAutoCommit()) {
            throw new IllegalStateException("the outbox needs the caller's transaction, but the connection is in "
                    + "auto-commit mode: call setAutoCommit(false) (or use @Transactional) and commit after the "
                    + "state change");
        }
    }

    /** Binds the message's seven parameters from {@code index} on; answers the next index. */
    private static int bind(Connection tx, PreparedStatement insert, int index, OutboxMessage message)
            throws SQLException {
        insert.setObject(index, message.eventId());
        insert.setString(index + 1, message.topic());
        insert.setString(index + 2, message.key());
        insert.setString(index + 3, message.type());
        insert.setBytes(index + 4, message.payload());
        insert.setArray(index + 5, tx.createArrayOf("text", message.headers().keySet().toArray()));
        insert.setArray(index + 6, tx.createArrayOf("text", message.headers().values().toArray()));
        return index + 7;
    }
}
