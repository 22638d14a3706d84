package dev.strata.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;

/**
 * Isolation enforced by Postgres itself: what a namespace's role can and cannot do, on a real server, logged in the
 * way loads, builds and {@code sql} tasks log in.
 */
class NamespaceRolesTest {

    @TempDir
    static Path tmp;

    static DevStack stack;
    static NamespaceRoles roles;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.start(tmp.resolve("stack"), EnumSet.of(Component.POSTGRES));
        var config = stack.serviceConfig();
        roles = new NamespaceRoles(config.get("strata.warehouse.jdbc-url"), config.get("strata.warehouse.username"),
                config.get("strata.warehouse.password"), config.get("strata.warehouse.role-key"));
        try (Connection a = roles.open("team-a"); Statement s = a.createStatement()) {
            s.execute("create table team_a__gold.revenue (day date, amount numeric)");
            s.execute("insert into team_a__gold.revenue values ('2026-01-01', 10), ('2026-01-02', 20)");
            s.execute("create table team_a__gold.secret (v text)");
            s.execute("insert into team_a__gold.secret values ('a only')");
        }
        roles.ensure("team-b");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theAdminLoginIsNoSuperuserAndNamespaceRolesHoldNoSpecialRight() throws Exception {
        try (Connection c = roles.admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select rolsuper, rolcreatedb, rolbypassrls from pg_roles "
                        + "where rolname = current_user")) {
            rs.next();
            assertFalse(rs.getBoolean(1), "the warehouse admin is a superuser");
        }
        try (Connection c = roles.open("team-a");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user, rolsuper, rolcreaterole, rolcreatedb, "
                        + "rolbypassrls, (select count(*) from pg_auth_members m where m.member = r.oid) "
                        + "from pg_roles r where rolname = current_user")) {
            rs.next();
            assertEquals("strata_ns_team_a", rs.getString(1));
            for (int i = 2; i <= 5; i++) {
                assertFalse(rs.getBoolean(i), "column " + i);
            }
            assertEquals(0, rs.getInt(6), "a namespace role is a member of no other role");
        }
    }

    @Test
    void anotherNamespaceCannotReadDropOrCreateInTheSchemasOfA() throws Exception {
        try (Connection b = roles.open("team-b"); Statement s = b.createStatement()) {
            assertDenied(s, "select * from team_a__gold.revenue");
            assertDenied(s, "drop table team_a__gold.revenue");
            assertDenied(s, "create table team_a__gold.planted (v int)");
            assertDenied(s, "create view team_a__silver.planted as select 1");
            assertDenied(s, "alter table team_a__gold.revenue add column x int");
            assertDenied(s, "create schema team_a__extra");
            assertDenied(s, "create schema team_b__extra");
        }
        assertEquals(2, count("team_a__gold.revenue"), "A's table is untouched");
    }

    @Test
    void superuserOnlyEscapesAndOtherRolesAreRefused() throws Exception {
        try (Connection a = roles.open("team-a"); Statement s = a.createStatement()) {
            assertDenied(s, "copy (select 1) to program 'touch /tmp/strata-owned'");
            assertDenied(s, "copy team_a__gold.revenue from program 'echo 1'");
            assertDenied(s, "copy team_a__gold.revenue to '/tmp/strata-owned'");
            assertDenied(s, "select pg_read_file('postgresql.conf')");
            assertDenied(s, "select pg_ls_dir('.')");
            assertDenied(s, "create extension if not exists dblink");
            assertDenied(s, "set role strata_ns_team_b");
            assertDenied(s, "set role " + PostgresServer.USER);
            assertDenied(s, "set session authorization strata_ns_team_b");
            assertDenied(s, "alter role strata_ns_team_a superuser");
            assertDenied(s, "create role sneaky");
            assertDenied(s, "create table public.planted (v int)");
        }
        assertFalse(java.nio.file.Files.exists(Path.of("/tmp/strata-owned")));
    }

    @Test
    void theMetadataDatabaseIsOutOfReach() {
        String metadata = stack.postgres().jdbcUrl(PostgresServer.METADATA_DB);
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(metadata, "strata_ns_team_a", roles.password("team-a")).close());
        assertTrue(e.getMessage().contains("permission denied for database"), e.getMessage());
        // and nobody logs in as a namespace role without the key
        SQLException wrong = assertThrows(SQLException.class, () -> DriverManager
                .getConnection(roles.jdbcUrl(), "strata_ns_team_a", "guessed").close());
        assertTrue(wrong.getMessage().contains("password authentication failed"), wrong.getMessage());
    }

    @Test
    void aShareLetsTheReaderReadExactlyTheSharedTable() throws Exception {
        roles.ensure("team-c");
        roles.share("team-a", "gold", "revenue", "team-c");
        try (Connection c = roles.open("team-c"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select sum(amount) from team_a__gold.revenue")) {
                rs.next();
                assertEquals(30, rs.getInt(1));
            }
            assertDenied(s, "select * from team_a__gold.secret");
            assertDenied(s, "delete from team_a__gold.revenue");
            assertDenied(s, "drop table team_a__gold.revenue");
        }
        // the SQL workspace of team-c (its read-only role) reads the shared table too, and nothing else of team-a
        try (Connection c = roles.openReader("team-c"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select sum(amount) from team_a__gold.revenue")) {
                rs.next();
                assertEquals(30, rs.getInt(1));
            }
            assertDenied(s, "select * from team_a__gold.secret");
        }
        roles.unshare("team-a", "gold", "revenue", "team-c");
        try (Connection c = roles.open("team-c"); Statement s = c.createStatement()) {
            assertDenied(s, "select * from team_a__gold.revenue");
        }
        try (Connection c = roles.openReader("team-c"); Statement s = c.createStatement()) {
            assertDenied(s, "select * from team_a__gold.revenue");
        }
        assertEquals(2, count("team_a__gold.revenue"));
    }

    @Test
    void customSchemasAreMadeInsideTheNamespaceOnly() throws Exception {
        roles.ensureSchemas("team-b", List.of("marts"));
        try (Connection b = roles.open("team-b"); Statement s = b.createStatement()) {
            s.execute("create table team_b__marts.t as select 1 as v");
            try (ResultSet rs = s.executeQuery("select nspowner::regrole::text from pg_namespace "
                    + "where nspname = 'team_b__marts'")) {
                rs.next();
                assertEquals("strata_ns_team_b", rs.getString(1));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> roles.ensureSchemas("team-b", List.of("x;drop")));
    }

    @Test
    void theReaderRoleReadsItsNamespaceAndCannotWriteOrLeaveIt() throws Exception {
        try (Connection r = roles.openReader("team-a"); Statement s = r.createStatement()) {
            try (ResultSet rs = s.executeQuery("select current_user, sum(amount) from revenue")) {
                rs.next();
                assertEquals("strata_nsr_team_a", rs.getString(1));
                assertEquals(30, rs.getInt(2), "the search path starts with the namespace's gold schema");
            }
            // the read-only transaction is a setting the role could change: the grants are the wall
            s.execute("set default_transaction_read_only = off");
            assertDenied(s, "insert into team_a__gold.revenue values ('2026-01-03', 1)");
            assertDenied(s, "update team_a__gold.revenue set amount = 0");
            assertDenied(s, "delete from team_a__gold.revenue");
            assertDenied(s, "truncate team_a__gold.revenue");
            assertDenied(s, "drop table team_a__gold.revenue");
            assertDenied(s, "create table team_a__gold.planted (v int)");
            assertDenied(s, "create temporary table planted (v int)");
            assertDenied(s, "alter table team_a__gold.revenue add column x int");
            assertDenied(s, "select * from team_b__gold.anything");
            assertDenied(s, "copy (select 1) to program 'touch /tmp/strata-owned'");
            assertDenied(s, "copy team_a__gold.revenue to '/tmp/strata-owned'");
            assertDenied(s, "select pg_read_file('postgresql.conf')");
            assertDenied(s, "select pg_ls_dir('.')");
            assertDenied(s, "create extension if not exists dblink");
            assertDenied(s, "set role strata_ns_team_a");
            assertDenied(s, "set session authorization strata_ns_team_a");
        }
        try (Connection b = roles.open("team-b"); Statement s = b.createStatement()) {
            s.execute("create table if not exists team_b__gold.anything (v int)");
        }
        try (Connection r = roles.openReader("team-a"); Statement s = r.createStatement()) {
            assertDenied(s, "select * from team_b__gold.anything");
        }
        assertEquals(2, count("team_a__gold.revenue"), "A's table is untouched");
        assertFalse(java.nio.file.Files.exists(Path.of("/tmp/strata-owned")));
        String metadata = stack.postgres().jdbcUrl(PostgresServer.METADATA_DB);
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(metadata,
                "strata_nsr_team_a", roles.passwordOf("strata_nsr_team_a")).close());
        assertTrue(e.getMessage().contains("permission denied for database"), e.getMessage());
    }

    @Test
    void theReaderRoleReadsTablesAndSchemasMadeAfterIt() throws Exception {
        roles.ensureReader("team-d");
        try (Connection d = roles.open("team-d"); Statement s = d.createStatement()) {
            s.execute("create table team_d__silver.later as select 42 as v");
        }
        roles.ensureSchemas("team-d", List.of("marts"));
        try (Connection d = roles.open("team-d"); Statement s = d.createStatement()) {
            s.execute("create table team_d__marts.kpi as select 7 as v");
        }
        try (Connection r = roles.openReader("team-d"); Statement s = r.createStatement()) {
            try (ResultSet rs = s.executeQuery("select (select v from later) + (select v from team_d__marts.kpi)")) {
                rs.next();
                assertEquals(49, rs.getInt(1));
            }
        }
    }

    private static long count(String table) throws SQLException {
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertDenied(Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertTrue(List.of("42501", "0LP01", "58P01").contains(e.getSQLState()) || e.getMessage().contains("denied"),
                sql + " failed for another reason: " + e.getSQLState() + " " + e.getMessage());
    }
}
