package dev.strata.registry.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * The queries and exports running in this registry instance: query id → the connection running it, who started it and
 * in which namespace. A cancel finds its query here; only the caller who started it may cancel it.
 */
@ApplicationScoped
public class RunningQueries {

    private static final Logger LOG = Logger.getLogger(RunningQueries.class);

    /**
     * A running query. {@code cancelled} is set by a cancel, so its end says "cancelled" rather than "timed out";
     * {@code disconnected} when its client went away. A cancel reaches the server only while the query runs: once it
     * {@link #end ended}, its connection may serve another query, and is never signalled again.
     */
    static final class Running {
        final String queryId;
        final String principal;
        final String namespace;
        final int backendPid;
        private final Connection connection;
        volatile boolean cancelled;
        volatile boolean disconnected;
        private boolean ended;

        Running(String queryId, String principal, String namespace, Connection connection) throws SQLException {
            this.queryId = queryId;
            this.principal = principal;
            this.namespace = namespace;
            this.connection = connection;
            this.backendPid = connection.unwrap(PGConnection.class).getBackendPID();
        }

        /**
         * Cancels the statement on the server (Postgres' cancel request for this backend, as {@code Statement.cancel}
         * sends it) unless the query ended; {@code clientGone} says why. False when it had ended.
         */
        synchronized boolean cancel(boolean clientGone) throws SQLException {
            if (ended) {
                return false;
            }
            if (clientGone) {
                disconnected = true;
            } else {
                cancelled = true;
            }
            connection.unwrap(PGConnection.class).cancelQuery();
            return true;
        }

        /** Whether a cancel or a client that left interrupted the query (its connection is then closed, not reused). */
        boolean interrupted() {
            return cancelled || disconnected;
        }

        synchronized void end() {
            ended = true;
        }
    }

    /**
     * The client of one request: when it goes away (the HTTP connection closed before the answer ended), the query
     * serving it is cancelled at once, also before the query is registered (then it is cancelled as it starts).
     */
    static final class Client {
        private final BooleanSupplier closed;
        private Running run;
        private boolean gone;

        /** {@code closed}: whether the client's connection is closed, asked as rows stream. */
        Client(BooleanSupplier closed) {
            this.closed = closed;
        }

        /**
         * Whether the client went away, asked as rows stream (the connection's close may not be reported while the
         * answer is being written); cancels the query when it first notices.
         */
        boolean left() {
            if (!isGone() && closed.getAsBoolean()) {
                gone();
            }
            return isGone();
        }

        synchronized void attach(Running query) {
            run = query;
            if (gone) {
                cancelQuietly(query);
            }
        }

        synchronized void gone() {
            gone = true;
            if (run != null) {
                cancelQuietly(run);
            }
        }

        synchronized boolean isGone() { return gone; }

        private static void cancelQuietly(Running query) {
            try {
                if (query.cancel(true)) {
                    LOG.debugf("query %s cancelled: its client went away", query.queryId);
                }
            } catch (SQLException e) {
                LOG.warnf("query %s could not be cancelled after its client went away: %s", query.queryId,
                        e.getMessage());
            }
        }
    }

    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** Registers a query; false when a query of that id runs already. */
    boolean start(Running query) {
        return running.putIfAbsent(query.queryId, query) == null;
    }

    void end(Running query) {
        query.end();
        running.remove(query.queryId, query);
    }

    /** The query {@code queryId} of {@code principal} in {@code namespace}, if it runs. */
    Optional<Running> find(String queryId, String principal, String namespace) {
        Running query = queryId == null ? null : running.get(queryId);
        return query != null && query.principal.equals(principal) && query.namespace.equals(namespace)
                ? Optional.of(query)
                : Optional.empty();
    }
}
