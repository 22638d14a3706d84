package dev.strata.outbox.quarkus;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.agroal.api.AgroalDataSource;

import dev.strata.outbox.OutboxException;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.OutboxWriter;

/**
 * What a service calls to emit an event: in the transaction that changes the state the event describes.
 *
 * <pre>
 * &#64;Transactional
 * public void rename(...) {
 *     datasets.rename(...);                              // the state change
 *     outbox.append(OutboxMessage.of(envelope, codec));  // the event, in the same transaction
 * }
 * </pre>
 *
 * The relay is woken up when the transaction commits; if it rolls back, the event is gone with the state change.
 */
@ApplicationScoped
public class Outbox {

    /** Marks a transaction that already has a wake-up registered. */
    private static final Object WAKE_UP_REGISTERED = new Object();

    private final OutboxWriter writer = new OutboxWriter();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    OutboxRelayRunner relay;

    /**
     * Appends the message in the current JTA transaction (a {@code @Transactional} method) and wakes the relay after
     * the commit.
     *
     * @throws IllegalStateException if no transaction is active
     */
    public void append(OutboxMessage message) {
        appendAll(List.of(message));
    }

    /** Appends the messages, in this order, in the current JTA transaction; see {@link #append(OutboxMessage)}. */
    public void appendAll(Collection<OutboxMessage> messages) {
        if (!inTransaction()) {
            throw new IllegalStateException("Outbox.append needs a transaction: call it from a @Transactional method, "
                    + "the one that changes the state the event describes");
        }
        try (Connection connection = dataSource.getConnection()) {
            writer.appendAll(connection, messages);
        } catch (SQLException e) {
            throw new OutboxException("cannot write to the outbox: " + e.getMessage(), e);
        }
        wakeUpAfterCommit();
    }

    /**
     * Runs the statement {@code before} (if not null) and appends the messages in one round trip, in the current JTA transaction; see
     * {@link OutboxWriter#appendAll(Connection, String, List, Collection)}. The relay is woken after the commit.
     */
    public void appendAll(String before, List<Object> beforeParams, Collection<OutboxMessage> messages) {
        if (!inTransaction()) {
            throw new IllegalStateException("Outbox.append needs a transaction: call it from a @Transactional method, "
                    + "the one that changes the state the event describes");
        }
        try (Connection connection = dataSource.getConnection()) {
            writer.appendAll(connection, before, beforeParams, messages);
        } catch (SQLException e) {
            throw new OutboxException("cannot write to the outbox: " + e.getMessage(), e);
        }
        if (!messages.isEmpty()) {
            wakeUpAfterCommit();
        }
    }

    /**
     * Appends the message with the caller's connection, in its transaction. Inside a JTA transaction the relay is woken
     * after the commit; with a connection whose transaction the caller commits itself, call {@link #wakeUp()} after
     * the commit (otherwise the relay finds the row within its poll interval).
     */
    public void append(Connection tx, OutboxMessage message) {
        try {
            writer.append(tx, message);
        } catch (SQLException e) {
            throw new OutboxException("cannot write to the outbox: " + e.getMessage(), e);
        }
        if (inTransaction()) {
            wakeUpAfterCommit();
        }
    }

    /** Makes the relay look for new rows now. */
    public void wakeUp() {
        relay.wakeUp();
    }

    private boolean inTransaction() {
        return transactions.getTransactionKey() != null
                && transactions.getTransactionStatus() == Status.STATUS_ACTIVE;
    }

    private void wakeUpAfterCommit() {
        if (transactions.getResource(WAKE_UP_REGISTERED) != null) {
            return;
        }
        transactions.putResource(WAKE_UP_REGISTERED, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to do before the commit
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wakeUp();
                }
            }
        });
    }
}
