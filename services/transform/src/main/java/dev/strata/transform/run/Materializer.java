package dev.strata.transform.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.Relation;

/**
 * Writes a model into the warehouse the way its materialization says. Tables are built aside and swapped in one short
 * transaction, so a reader sees the old rows or the new ones, never a half-built table.
 */
public final class Materializer {

    private static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";
    private static final String INVALID_TABLE_DEFINITION = "42P16";
    private static final String WRONG_OBJECT_TYPE = "42809";

    private Materializer() {
    }

    /** Creates or replaces a view; rows: {@code null}. */
    public static Long view(Connection c, CompiledModel m, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("savepoint strata_view");
            try {
                s.execute("create or replace view " + m.relation() + " as\n" + sql);
            } catch (SQLException e) {
                if (!INVALID_TABLE_DEFINITION.equals(e.getSQLState()) && !WRONG_OBJECT_TYPE.equals(e.getSQLState())) {
                    throw e;
                }
                // its columns changed, or a table stands there: replace it (dependents are rebuilt downstream)
                s.execute("rollback to savepoint strata_view");
                String kind = relkind(c, m.schema(), m.identifier());
                s.execute("drop " + ("v".equals(kind) ? "view" : "table") + " " + m.relation() + " cascade");
                s.execute("create view " + m.relation() + " as\n" + sql);
            }
            c.commit();
            return null;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Builds the table aside, then swaps it in; rows written. */
    public static long table(Connection c, CompiledModel m, String sql) throws SQLException {
        String tmp = aside(m.identifier(), "__strata_tmp");
        String tmpRel = Relation.quote(m.schema()) + "." + Relation.quote(tmp);
        long rows;
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists " + tmpRel);
            rows = s.executeUpdate("create table " + tmpRel + " as\n" + sql);
        }
        swap(c, m, tmp);
        return rows;
    }

    /** Puts the ready table {@code tmp} in the place of {@code m}, atomically for readers. */
    static void swap(Connection c, CompiledModel m, String tmp) throws SQLException {
        String tmpRel = Relation.quote(m.schema()) + "." + Relation.quote(tmp);
        String old = aside(m.identifier(), "__strata_old");
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            String kind = relkind(c, m.schema(), m.identifier());
            if (kind == null) {
                s.execute("alter table " + tmpRel + " rename to " + Relation.quote(m.identifier()));
                c.commit();
                return;
            }
            if ("v".equals(kind)) {
                s.execute("drop view " + m.relation() + " cascade");
                s.execute("alter table " + tmpRel + " rename to " + Relation.quote(m.identifier()));
                c.commit();
                return;
            }
            s.execute("drop table if exists " + Relation.quote(m.schema()) + "." + Relation.quote(old));
            s.execute("alter table " + m.relation() + " rename to " + Relation.quote(old));
            s.execute("alter table " + tmpRel + " rename to " + Relation.quote(m.identifier()));
            s.execute("savepoint strata_swap");
            try {
                s.execute("drop table " + Relation.quote(m.schema()) + "." + Relation.quote(old));
                c.commit();
                return;
            } catch (SQLException e) {
                if (!DEPENDENT_OBJECTS_STILL_EXIST.equals(e.getSQLState())) {
                    throw e;
                }
            }
            // views read the old table: keep it (and them), replace its rows in one transaction instead
            c.rollback();
            s.execute("lock table " + m.relation() + " in access exclusive mode");
            s.execute("truncate " + m.relation());
            String cols = columns(c, m.schema(), tmp).stream().map(Relation::quote).collect(Collectors.joining(", "));
            s.execute("insert into " + m.relation() + " (" + cols + ") select " + cols + " from " + tmpRel);
            s.execute("drop table " + tmpRel);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Adds the new rows; with a unique key, rows with the same key are replaced. Rows written. */
    public static long incremental(Connection c, CompiledModel m, String incrementalSql) throws SQLException {
        String tmp = aside(m.identifier(), "__strata_new");
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists pg_temp." + Relation.quote(tmp));
            s.execute("create temporary table " + Relation.quote(tmp) + " as\n" + incrementalSql);
        }
        Set<String> target = new LinkedHashSet<>(columns(c, m.schema(), m.identifier()));
        List<String> common = new ArrayList<>();
        for (String col : columnsOfTemp(c, tmp)) {
            if (target.contains(col)) {
                common.add(col);
            }
        }
        for (String key : m.uniqueKey()) {
            if (!common.contains(key)) {
                throw new SQLException("unique_key column '" + key + "' is not a column of both the model's query and"
                        + " " + m.relation());
            }
        }
        String cols = common.stream().map(Relation::quote).collect(Collectors.joining(", "));
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (!m.uniqueKey().isEmpty()) {
                String match = m.uniqueKey().stream().map(k -> "t." + Relation.quote(k) + " = n." + Relation.quote(k))
                        .collect(Collectors.joining(" and "));
                s.executeUpdate("delete from " + m.relation() + " as t using " + Relation.quote(tmp) + " as n where "
                        + match);
            }
            long rows = s.executeUpdate("insert into " + m.relation() + " (" + cols + ") select " + cols + " from "
                    + Relation.quote(tmp));
            s.execute("drop table " + Relation.quote(tmp));
            c.commit();
            return rows;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** 'r' table, 'v' view, ... or {@code null} when nothing has that name. */
    public static String relkind(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select c.relkind::text from pg_class c join pg_namespace n on"
                + " n.oid = c.relnamespace where n.nspname = ? and c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public static List<String> columns(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select a.attname from pg_attribute a join pg_class c on"
                + " c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and"
                + " c.relname = ? and a.attnum > 0 and not a.attisdropped order by a.attnum")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            List<String> cols = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
            return cols;
        }
    }

    private static List<String> columnsOfTemp(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select a.attname from pg_attribute a where a.attrelid ="
                + " ('pg_temp.' || quote_ident(?))::regclass and a.attnum > 0 and not a.attisdropped order by"
                + " a.attnum")) {
            ps.setString(1, table);
            List<String> cols = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
            return cols;
        }
    }

    /** A name for a side table, within PostgreSQL's 63-byte identifier limit. */
    static String aside(String identifier, String suffix) {
        String base = identifier.length() + suffix.length() > 63
                ? identifier.substring(0, 63 - suffix.length() - 9) + "_" + Integer.toHexString(identifier.hashCode())
                : identifier;
        return base + suffix;
    }
}
