package dev.strata.registry.sql;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.strata.registry.config.RegistryConfig;
import dev.strata.warehouse.NamespaceRoles;

/**
 * The SQL workspace's warehouse connections: per namespace a small pool (HikariCP) of connections logged in as that
 * namespace's read-only role ({@link NamespaceRoles#openReader}), so a query does not pay a new SCRAM login. Pools are
 * never shared between namespaces: a connection of one is never handed to a query of another. Bounded
 * ({@code strata.registry.sql.pool.max-size} per namespace) and idle-evicted ({@code .idle-timeout}: a namespace nobody
 * queries holds no connection).
 *
 * <p>
 * A connection goes back clean or not at all: {@link #release} rolls back and runs {@code DISCARD ALL} (settings,
 * advisory locks, prepared statements, cursors, search path: everything a query could have left in the session), and
 * closes it instead when that fails; {@link #evict} closes a connection whose query failed, was cancelled or whose
 * client went away. Each query sets its own transaction settings again ({@code SET LOCAL}).
 */
@ApplicationScoped
public class ReaderPools {

    private final NamespaceRoles roles;
    private final RegistryConfig.Pool config;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
    private final ScheduledExecutorService housekeeping;

    ReaderPools(NamespaceRoles roles, RegistryConfig config) {
        this.roles = roles;
        this.config = config.sql().pool();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("strata-sql-pool-housekeeping");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.housekeeping = executor;
    }

    /** A connection of {@code namespace}'s read-only role, autocommit on, session clean; give it back by release/evict. */
    public Connection borrow(String namespace) throws SQLException {
        return pools.computeIfAbsent(namespace, this::pool).getConnection();
    }

    /** Connections per namespace at most. */
    public int maxSize() {
        return config.maxSize();
    }

    /** Gives a connection of {@code namespace} back clean (rollback, {@code DISCARD ALL}), or closes it if it cannot. */
    public void release(String namespace, Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DISCARD ALL");
            }
        } catch (SQLException e) {
            evict(namespace, c);
            return;
        }
        closeQuietly(c);
    }

    /** Closes a connection of {@code namespace} instead of giving it back (its query failed, was cancelled, or its client left). */
    public void evict(String namespace, Connection c) {
        HikariDataSource pool = pools.get(namespace);
        if (pool != null) {
            // closes the physical connection and takes it out of the pool; the proxy must not be closed after it
            pool.evictConnection(c);
        } else {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // the pool closes the physical connection itself when giving it back fails
        }
    }

    private HikariDataSource pool(String namespace) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("strata-nsr-" + namespace);
        hc.setDataSource(new ReaderSource(roles, namespace));
        hc.setMaximumPoolSize(config.maxSize());
        hc.setMinimumIdle(0);
        hc.setIdleTimeout(Math.max(10_000, config.idleTimeout().toMillis()));
        hc.setConnectionTimeout(Math.max(250, config.acquireTimeout().toMillis()));
        hc.setMaxLifetime(Math.max(30_000, config.maxLifetime().toMillis()));
        hc.setAutoCommit(true);
        hc.setScheduledExecutor(housekeeping);
        // no connection at start: a namespace's role may not be made yet, and a failure belongs to the first query
        hc.setInitializationFailTimeout(-1);
        return new HikariDataSource(hc);
    }

    @PreDestroy
    void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
        housekeeping.shutdownNow();
    }

    /** The connections of one namespace's read-only role, as the pool makes them. */
    private static final class ReaderSource implements DataSource {
        private final NamespaceRoles roles;
        private final String namespace;

        ReaderSource(NamespaceRoles roles, String namespace) {
            this.roles = roles;
            this.namespace = namespace;
        }

        @Override
        public Connection getConnection() throws SQLException { return roles.openReader(namespace); }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("a namespace's reader connection has its own login");
        }

        @Override
        public PrintWriter getLogWriter() { return null; }

        @Override
        public void setLogWriter(PrintWriter out) {
            // no log writer
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // pgjdbc's own connect timeout applies
        }

        @Override
        public int getLoginTimeout() { return 0; }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
