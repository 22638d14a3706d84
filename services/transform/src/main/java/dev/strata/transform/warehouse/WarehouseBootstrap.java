package dev.strata.transform.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.StartupEvent;

import dev.strata.transform.compile.Relation;
import dev.strata.transform.config.TransformConfig;

/**
 * Prepares the warehouse at start: the warehouse schemas, and the restricted LOGIN role model SQL runs as. The role
 * may create and change objects in the warehouse schemas and read them, nothing else: it owns no database, holds no
 * other role, and cannot create schemas. Tables other writers (ingest) create in these schemas become readable to it
 * through default privileges.
 */
@ApplicationScoped
public class WarehouseBootstrap {

    private static final Logger LOG = Logger.getLogger(WarehouseBootstrap.class);

    @Inject
    @DataSource("warehouse")
    AgroalDataSource warehouse;

    @Inject
    TransformConfig config;

    private volatile boolean ready;

    void onStart(@Observes StartupEvent event) {
        try {
            ensure();
        } catch (SQLException e) {
            LOG.warnf("the warehouse is not prepared yet (%s); builds retry it", e.getMessage());
        }
    }

    public boolean ready() {
        return ready;
    }

    /** Idempotent; safe to run from several replicas (serialized by an advisory lock). */
    public synchronized void ensure() throws SQLException {
        if (ready) {
            return;
        }
        try (Connection c = warehouse.getConnection()) {
            prepare(c, config.runnerRole(), config.runnerPassword(), config.warehouseSchemas());
        }
        ready = true;
        LOG.infof("warehouse ready: schemas %s, model SQL runs as role %s", config.warehouseSchemas(),
                config.runnerRole());
    }

    /** The bootstrap itself, on a connection of a role that may create roles and schemas (also used by benchmarks). */
    public static void prepare(Connection c, String runnerRole, Optional<String> password, List<String> schemas)
            throws SQLException {
        String role = Relation.quote(runnerRole);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("select pg_advisory_xact_lock(hashtext('strata.transform.bootstrap'))");
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
                ps.setString(1, runnerRole);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                s.execute("create role " + role + " login nosuperuser nocreatedb nocreaterole noinherit");
            }
            if (password.isPresent()) {
                s.execute("alter role " + role + " password '" + password.get().replace("'", "''") + "'");
            }
            for (String schema : schemas) {
                String q = Relation.quote(schema);
                s.execute("create schema if not exists " + q);
                s.execute("grant usage, create on schema " + q + " to " + role);
                s.execute("grant select on all tables in schema " + q + " to " + role);
                s.execute("alter default privileges in schema " + q + " grant select on tables to " + role);
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
