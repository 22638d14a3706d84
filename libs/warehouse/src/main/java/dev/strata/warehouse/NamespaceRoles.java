package dev.strata.warehouse;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The warehouse side of namespaces (ADR 0005): one Postgres LOGIN role per namespace that owns the namespace's schemas
 * and has no right anywhere else, and the connections the data plane opens as that role.
 *
 * <p>
 * Roles and schemas are made by the <em>warehouse admin</em> login ({@code strata.warehouse.username}): it owns the
 * warehouse database and may create roles (CREATEROLE), but is no superuser and never runs a user's SQL. A namespace's
 * role is created on first use with a password derived from the platform's role key (HMAC-SHA256), so every replica of
 * every service can log in as it without a password store, and nobody without the key can. Loads, builds, data tests
 * and {@code sql} tasks open their connection as the namespace's role ({@link #open(String)}): Postgres itself then
 * refuses another namespace's schemas, the services' metadata database, {@code COPY ... PROGRAM}, server files and
 * {@code SET ROLE} to any other role.
 */
public final class NamespaceRoles {

    private final String jdbcUrl;
    private final String adminUser;
    private final String adminPassword;
    private final byte[] roleKey;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();
    private final Set<String> ensuredSchemas = ConcurrentHashMap.newKeySet();
    private final Set<String> ensuredReaders = ConcurrentHashMap.newKeySet();
    private volatile boolean bootstrapped;

    /**
     * @param jdbcUrl the warehouse database
     * @param adminUser the warehouse admin login (CREATEROLE, owner of the warehouse database, not a superuser)
     * @param adminPassword its password, may be empty
     * @param roleKey the secret the namespace roles' passwords are derived from (at least 16 bytes)
     */
    public NamespaceRoles(String jdbcUrl, String adminUser, String adminPassword, String roleKey) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "strata.warehouse.jdbc-url");
        this.adminUser = Objects.requireNonNull(adminUser, "strata.warehouse.username");
        this.adminPassword = adminPassword == null ? "" : adminPassword;
        if (roleKey == null || roleKey.length() < 16) {
            throw new IllegalArgumentException("strata.warehouse.role-key must be set to a secret of at least 16 "
                    + "characters (a Kubernetes Secret; the launcher generates one)");
        }
        this.roleKey = roleKey.getBytes(StandardCharsets.UTF_8);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A connection as the warehouse admin: for provisioning only, never for a user's SQL. */
    public Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", adminUser);
        p.setProperty("password", adminPassword);
        p.setProperty("ApplicationName", "strata-warehouse-admin");
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /**
     * A new connection logged in as {@code namespace}'s role (made first if missing), with the namespace's own schemas
     * first on its search path. The caller closes it.
     */
    public Connection open(String namespace) throws SQLException {
        ensure(namespace);
        Properties p = new Properties();
        p.setProperty("user", Namespaces.role(namespace));
        p.setProperty("password", password(namespace));
        p.setProperty("ApplicationName", "strata-ns-" + namespace);
        Connection c = DriverManager.getConnection(jdbcUrl, p);
        try (Statement s = c.createStatement()) {
            s.execute("set search_path to " + quote(Namespaces.schema(namespace, "silver")) + ", "
                    + quote(Namespaces.schema(namespace, "raw")));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A new connection logged in as {@code namespace}'s READ-ONLY role ({@link Namespaces#readerRole}, made first if
     * missing), with the namespace's schemas on its search path (gold, silver, bronze, raw). The role can read the
     * tables of the namespace's schemas and nothing else: no write, no DDL, no temporary table, no other namespace, no
     * server file, no other database. Analysts' SQL runs on it. The caller closes it.
     */
    public Connection openReader(String namespace) throws SQLException {
        ensureReader(namespace);
        Properties p = new Properties();
        p.setProperty("user", Namespaces.readerRole(namespace));
        p.setProperty("password", passwordOf(Namespaces.readerRole(namespace)));
        p.setProperty("ApplicationName", "strata-nsr-" + namespace);
        Connection c = DriverManager.getConnection(jdbcUrl, p);
        try (Statement s = c.createStatement()) {
            s.execute("set search_path to " + readerSearchPath(namespace));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * The search path of {@code namespace}'s analysts, as SQL: its gold, silver, bronze and raw schemas, quoted. A
     * pooled reader connection that was reset ({@code DISCARD ALL}) sets it again per query.
     */
    public static String readerSearchPath(String namespace) {
        return quote(Namespaces.schema(namespace, "gold")) + ", " + quote(Namespaces.schema(namespace, "silver"))
                + ", " + quote(Namespaces.schema(namespace, "bronze")) + ", "
                + quote(Namespaces.schema(namespace, "raw"));
    }

    /**
     * Makes the namespace's read-only role if missing and grants it USAGE on every schema of the namespace and SELECT
     * on their tables, now and for tables the namespace's role creates later (default privileges); idempotent and
     * cached.
     */
    public void ensureReader(String namespace) throws SQLException {
        ensure(namespace);
        if (ensuredReaders.contains(namespace)) {
            return;
        }
        String reader = Namespaces.readerRole(namespace);
        try (Connection c = admin()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("select pg_advisory_xact_lock(hashtext('strata.warehouse.roles'))");
                bootstrap(c, s);
                String q = quote(reader);
                boolean created = !roleExists(c, reader);
                if (created) {
                    s.execute("create role " + q + " login nosuperuser nocreatedb nocreaterole noinherit "
                            + "noreplication nobypassrls");
                }
                s.execute("alter role " + q + " password " + literal(passwordOf(reader)));
                // a second wall behind the connection's read-only transaction
                s.execute("alter role " + q + " set default_transaction_read_only = on");
                // CONNECT only: no TEMPORARY (a temporary table is a write)
                s.execute("grant connect on database " + quote(database(c)) + " to " + q);
                s.execute("revoke temporary on database " + quote(database(c)) + " from " + q);
                // the tables made before the role: once, when it is made (later ones by default privileges), so a
                // SELECT a build's grants took back (dbt grants) is not given again when a service restarts
                grantReader(c, s, namespace, ownedSchemas(c, namespace), created);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        ensuredReaders.add(namespace);
    }

    /**
     * Grants, as the namespace's owner role, read access on {@code schemas} to the namespace's reader role: USAGE and
     * SELECT on the tables made later (default privileges), and with {@code existingTables} on the tables there now.
     */
    private void grantReader(Connection c, Statement s, String namespace, Collection<String> schemas,
            boolean existingTables) throws SQLException {
        if (schemas.isEmpty()) {
            return;
        }
        String reader = quote(Namespaces.readerRole(namespace));
        s.execute("set local role " + quote(Namespaces.role(namespace)));
        for (String pg : schemas) {
            String schema = quote(pg);
            s.execute("grant usage on schema " + schema + " to " + reader);
            if (existingTables) {
                s.execute("grant select on all tables in schema " + schema + " to " + reader);
            }
            s.execute("alter default privileges in schema " + schema + " grant select on tables to " + reader);
        }
        s.execute("reset role");
    }

    /** The schemas of {@code namespace} that its role owns. */
    private static Set<String> ownedSchemas(Connection c, String namespace) throws SQLException {
        Set<String> schemas = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("select n.nspname from pg_namespace n join pg_roles r "
                + "on r.oid = n.nspowner where r.rolname = ? and starts_with(n.nspname, ?) order by 1")) {
            ps.setString(1, Namespaces.role(namespace));
            ps.setString(2, Namespaces.pgName(namespace) + "__");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
        }
        return schemas;
    }

    private static boolean roleExists(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The role's password: derived, never stored, never logged. */
    String password(String namespace) {
        return passwordOf(Namespaces.role(namespace));
    }

    /** A login role's password: derived from the role key, never stored, never logged. */
    String passwordOf(String role) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(roleKey, "HmacSHA256"));
            byte[] digest = mac.doFinal(("strata-namespace-role:" + role).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Makes the namespace's role and its standard schemas ({@link Namespaces#LAYERS}); idempotent and cached. */
    public void ensure(String namespace) throws SQLException {
        Namespaces.require(namespace);
        if (ensured.contains(namespace)) {
            return;
        }
        ensureSchemas(namespace, Namespaces.LAYERS);
        ensured.add(namespace);
    }

    /**
     * Makes {@code schemas} (names inside the namespace, e.g. {@code gold} or a dbt custom schema) owned by the
     * namespace's role, and the role itself if missing. A namespace's role cannot create schemas itself: the schema
     * names of other namespaces are never its to take.
     */
    public void ensureSchemas(String namespace, Collection<String> schemas) throws SQLException {
        String role = Namespaces.role(namespace);
        Set<String> missing = new LinkedHashSet<>();
        for (String schema : schemas) {
            String pg = Namespaces.schema(namespace, schema);
            if (!ensuredSchemas.contains(pg)) {
                missing.add(pg);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (Connection c = admin()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("select pg_advisory_xact_lock(hashtext('strata.warehouse.roles'))");
                bootstrap(c, s);
                boolean exists = roleExists(c, role);
                String q = quote(role);
                if (!exists) {
                    s.execute("create role " + q + " login nosuperuser nocreatedb nocreaterole noinherit "
                            + "noreplication nobypassrls");
                }
                // the password follows the key (a rotated key takes effect at the next first use per process)
                s.execute("alter role " + q + " password " + literal(password(namespace)));
                // the admin may act as the role to create its schemas, but does not inherit its rights
                s.execute("grant " + q + " to " + quote(adminUser) + " with inherit false, set true");
                s.execute("grant connect, temporary on database " + quote(database(c)) + " to " + q);
                Set<String> created = new LinkedHashSet<>();
                for (String pg : missing) {
                    if (schemaOwner(c, pg) == null) {
                        created.add(pg);
                    }
                    s.execute("create schema if not exists " + quote(pg) + " authorization " + q);
                    String owner = schemaOwner(c, pg);
                    if (!role.equals(owner)) {
                        throw new SQLException("schema " + pg + " belongs to " + owner + ", not to namespace '"
                                + namespace + "'; it was made outside Strata", "42501");
                    }
                }
                if (roleExists(c, Namespaces.readerRole(namespace))) {
                    // the namespace's analysts read its new schemas too (a schema that was there has its grants)
                    grantReader(c, s, namespace, created, true);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        ensuredSchemas.addAll(missing);
    }

    /**
     * Lets {@code reader} read exactly one table of {@code owner}: granted by the owning namespace's own role (the
     * table's owner), so it can share nothing it does not own. Both roles of the reading namespace get it: its own role
     * (loads, builds, previews) and its read-only role (the SQL workspace). They also get USAGE on the table's schema,
     * which lets them see the names in that schema but read nothing else in it.
     */
    public void share(String owner, String schema, String table, String reader) throws SQLException {
        ensureReader(reader);
        try (Connection c = open(owner); Statement s = c.createStatement()) {
            String rel = quote(Namespaces.schema(owner, schema)) + "." + quote(table);
            String grantees = quote(Namespaces.role(reader)) + ", " + quote(Namespaces.readerRole(reader));
            s.execute("grant usage on schema " + quote(Namespaces.schema(owner, schema)) + " to " + grantees);
            s.execute("grant select on " + rel + " to " + grantees);
        }
    }

    /** Takes a share back: the reading namespace's roles (its own and its read-only one) lose SELECT at once. */
    public void unshare(String owner, String schema, String table, String reader) throws SQLException {
        try (Connection c = open(owner); Statement s = c.createStatement()) {
            String rel = quote(Namespaces.schema(owner, schema)) + "." + quote(table);
            s.execute("revoke select on " + rel + " from " + quote(Namespaces.role(reader)));
            if (roleExists(c, Namespaces.readerRole(reader))) {
                s.execute("revoke select on " + rel + " from " + quote(Namespaces.readerRole(reader)));
            }
        }
    }

    /** The database-wide settings every namespace relies on; idempotent (run once per process). */
    private void bootstrap(Connection c, Statement s) throws SQLException {
        if (bootstrapped) {
            return;
        }
        String db = quote(database(c));
        // nobody connects to the warehouse or makes temporary tables unless granted (namespace roles are)
        s.execute("revoke connect, temporary on database " + db + " from public");
        // the public schema is nobody's playground
        s.execute("revoke all on schema public from public");
        bootstrapped = true;
    }

    private static String database(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String schemaOwner(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select r.rolname from pg_namespace n join pg_roles r on r.oid = n.nspowner where n.nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Quotes a Postgres identifier. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
