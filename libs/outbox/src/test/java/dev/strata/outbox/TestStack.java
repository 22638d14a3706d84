package dev.strata.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;

/**
 * The real PostgreSQL and Kafka the tests of this module share: started once per test JVM under {@code target/},
 * stopped when the JVM exits (the dev stack's watchdog stops them if it is killed). Each test works in a schema of
 * its own, migrated with the SQL the library ships.
 */
final class TestStack {

    static final String MIGRATION = "db/outbox/V0_1__outbox.sql";
    static final String DEAD_LETTER_MIGRATION = "db/outbox/R__outbox_dead_letter.sql";

    private static DevStack stack;

    private TestStack() {
    }

    static synchronized DevStack get() {
        if (stack == null) {
            Path root = Path.of("target", "devstack-" + UUID.randomUUID().toString().substring(0, 8));
            DevStack started = DevStack.start(root, EnumSet.of(Component.POSTGRES, Component.KAFKA));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "outbox-test-devstack-stop"));
            stack = started;
        }
        return stack;
    }

    /** A new schema with the outbox tables, named {@code <prefix>_<random>}. */
    static String createSchema(String prefix) throws SQLException, IOException {
        String schema = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        try (Connection c = get().postgres().connect(PostgresServer.METADATA_DB); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("SET search_path TO " + schema);
            s.execute(migrationSql());
            s.execute(sql(DEAD_LETTER_MIGRATION));
        }
        return schema;
    }

    /** Connections as the service would get them: to the metadata database, in the schema. */
    static DataSource dataSource(String schema) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(get().postgres().jdbcUrl());
        dataSource.setUser(get().postgres().user());
        dataSource.setCurrentSchema(schema);
        return dataSource;
    }

    static String migrationSql() throws IOException {
        return sql(MIGRATION);
    }

    static String sql(String resource) throws IOException {
        try (InputStream in = TestStack.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
