package dev.strata.registry.sql;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The queries and exports running in this registry instance: query id → the Postgres backend running it, who started
 * it and in which namespace. A cancel finds its query here; only the caller who started it may cancel it.
 */
@ApplicationScoped
public class RunningQueries {

    /** A running query. {@code cancelled} is set by a cancel, so its end says "cancelled" rather than "timed out". */
    static final class Running {
        final String queryId;
        final String principal;
        final String namespace;
        final int backendPid;
        volatile boolean cancelled;

        Running(String queryId, String principal, String namespace, int backendPid) {
            this.queryId = queryId;
            this.principal = principal;
            this.namespace = namespace;
            this.backendPid = backendPid;
        }
    }

    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** Registers a query; false when a query of that id runs already. */
    boolean start(Running query) {
        return running.putIfAbsent(query.queryId, query) == null;
    }

    void end(Running query) {
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
