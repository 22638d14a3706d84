package dev.strata.outbox.quarkus;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
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
    /** The messages of a transaction to send right after its commit. */
    private static final Object SEND_AT_ONCE = new Object();

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
        appendAll(null, List.of(), messages);
    }

    /**
     * Runs the statement {@code before} (if not null) and appends the messages in one round trip, in the current JTA
     * transaction; see {@link OutboxWriter#appendAll(Connection, String, List, Collection)}. The relay is woken after
     * the commit.
     */
    public void appendAll(String before, List<Object> beforeParams, Collection<OutboxMessage> messages) {
        appendAll(before, beforeParams, messages, List.of(), true);
    }

    /**
     * As {@link #appendAll(String, List, Collection)}, and sends the messages of {@code sendAtOnce} (a subset of
     * {@code messages}) to Kafka from the committing thread right after the commit, instead of leaving them to the
     * relay's next round: for work that someone waits for. Their rows stay the durable record (see
     * {@link dev.strata.outbox.OutboxRelay} on sending at once); only for messages whose key no other unpublished
     * message on their topic shares. {@code wakeUp} false leaves the other messages to the relay's next round (within
     * its poll interval, or sooner when another commit wakes it).
     */
    public void appendAll(String before, List<Object> beforeParams, Collection<OutboxMessage> messages,
            Collection<OutboxMessage> sendAtOnce, boolean wakeUp) {
        if (!inTransaction()) {
            throw new IllegalStateException("Outbox.append needs a transaction: call it from a @Transactional method, "
                    + "the one that changes the state the event describes");
        }
        List<OutboxMessage> direct = List.copyOf(sendAtOnce);
        relay.claim(direct);
        try (Connection connection = dataSource.getConnection()) {
            writer.appendAll(connection, before, beforeParams, messages);
        } catch (SQLException e) {
            relay.release(direct);
            throw new OutboxException("cannot write to the outbox: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            relay.release(direct);
            throw e;
        }
        if (!direct.isEmpty()) {
            sendAfterCommit(direct);
        }
        if (wakeUp && messages.size() > direct.size()) {
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

    @SuppressWarnings("unchecked")
    private void sendAfterCommit(List<OutboxMessage> direct) {
        List<OutboxMessage> all = (List<OutboxMessage>) transactions.getResource(SEND_AT_ONCE);
        if (all != null) {
            all.addAll(direct);
            return;
        }
        List<OutboxMessage> messages = new ArrayList<>(direct);
        transactions.putResource(SEND_AT_ONCE, messages);
        afterCompletion(() -> relay.sendNow(messages), () -> relay.release(messages));
    }

    private void wakeUpAfterCommit() {
        if (transactions.getResource(WAKE_UP_REGISTERED) != null) {
            return;
        }
        transactions.putResource(WAKE_UP_REGISTERED, Boolean.TRUE);
        afterCompletion(relay::wakeUp, () -> {
        });
    }

    /** Runs {@code committed} after the current transaction committed, {@code otherwise} after it rolled back. */
    private void afterCompletion(Runnable committed, Runnable otherwise) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to do before the commit
            }

            @Override
            public void afterCompletion(int status) {
                (status == Status.STATUS_COMMITTED ? committed : otherwise).run();
            }
        });
    }
}
