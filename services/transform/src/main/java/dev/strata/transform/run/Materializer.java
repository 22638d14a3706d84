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

    private static final String INVALID_TABLE_DEFINITION = "42P16";
    private static final String WRONG_OBJECT_TYPE = "42809";

    private Materializer() {
    }

    /** Creates or replaces a view; rows: {@code null}. */
    public static Long view(Connection c, CompiledModel m, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("create or replace view " + m.relation() + " as\n" + sql);
            return null;
        } catch (SQLException e) {
            if (!INVALID_TABLE_DEFINITION.equals(e.getSQLState()) && !WRONG_OBJECT_TYPE.equals(e.getSQLState())) {
                throw e;
            }
        }
        // its columns changed, or a table stands there: replace it in one transaction (dependents are rebuilt
        // downstream)
        String kind = relkind(c, m.schema(), m.identifier());
        inTransaction(c, "drop " + ("v".equals(kind) ? "view" : "table") + " " + m.relation() + " cascade;\n"
                + "create view " + m.relation() + " as\n" + sql);
        return null;
    }

    /** Builds the table aside, then swaps it in; rows written. */
    public static long table(Connection c, CompiledModel m, String sql) throws SQLException {
        return table(c, m, sql, List.of(), List.of(), List.of());
    }

    /**
     * Builds the table aside, then swaps it in; rows written. With {@code elements} (an enforced contract's columns,
     * types and constraints) it is created with them and then filled ({@code create table (...); insert into ...
     * select}, into {@code columns}, as dbt-postgres does), so Postgres checks every row against the constraints; a row
     * that violates one
     * fails the step with Postgres's message, and the old table stays. {@code indexNames}: the names the contract gives
     * unique and primary key constraints, which the live table's constraints give up first (an index name is unique in
     * its schema).
     */
    public static long table(Connection c, CompiledModel m, String sql, List<String> elements,
            java.util.Collection<String> columns, List<String> indexNames) throws SQLException {
        String tmp = aside(m.identifier(), "__strata_tmp");
        String tmpRel = Relation.quote(m.schema()) + "." + Relation.quote(tmp);
        long rows;
        if (elements.isEmpty()) {
            rows = lastUpdateCount(c, "drop table if exists " + tmpRel + ";\ncreate table " + tmpRel + " as\n" + sql);
        } else {
            freeIndexNames(c, m, indexNames);
            String cols = columns.stream().map(Relation::quote).collect(Collectors.joining(", "));
            try {
                rows = lastUpdateCount(c, "drop table if exists " + tmpRel + ";\ncreate table " + tmpRel + " (\n  "
                        + String.join(",\n  ", elements) + "\n);\ninsert into " + tmpRel + " (" + cols + ")\n" + sql);
            } catch (SQLException e) {
                throw violation(m, e);
            }
        }
        swap(c, m, tmp);
        return rows;
    }

    /** A constraint violation (SQLSTATE class 23) as a sentence naming the model; other errors as they are. */
    static SQLException violation(CompiledModel m, SQLException e) {
        if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
            return e;
        }
        String message = e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getMessage()
                : e.getMessage();
        return new SQLException("model " + m.name() + ": a row violates a constraint of its contract: " + message,
                e.getSQLState(), e);
    }

    /** Renames the live table's constraints that hold a name the new table's constraints are to have. */
    private static void freeIndexNames(Connection c, CompiledModel m, List<String> names) throws SQLException {
        for (String name : names) {
            try (PreparedStatement ps = c.prepareStatement("select t.relname from pg_constraint k join pg_class t on"
                    + " t.oid = k.conrelid join pg_namespace n on n.oid = k.connamespace where n.nspname = ? and"
                    + " k.conname = ?")) {
                ps.setString(1, m.schema());
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        try (Statement s = c.createStatement()) {
                            s.execute("alter table " + Relation.quote(m.schema()) + "." + Relation.quote(rs
                                    .getString(1)) + " rename constraint " + Relation.quote(name) + " to "
                                    + Relation.quote(aside(name, "__strata_old")));
                        }
                    }
                }
            }
        }
    }

    /**
     * Puts the ready table {@code tmp} in the place of {@code m}, in one transaction: by renaming (the old table is
     * dropped), or, when views read the old table, by replacing its rows (truncate + insert) so that they stay.
     * Readers block for the length of the transaction and then see the new rows; never a half-built table.
     */
    static void swap(Connection c, CompiledModel m, String tmp) throws SQLException {
        String schema = Relation.quote(m.schema());
        String tmpRel = schema + "." + Relation.quote(tmp);
        String old = schema + "." + Relation.quote(aside(m.identifier(), "__strata_old"));
        String kind;
        boolean readByViews;
        try (PreparedStatement ps = c.prepareStatement("select c.relkind::text, exists (select 1 from pg_depend d"
                + " join pg_rewrite r on r.oid = d.objid where d.refobjid = c.oid and r.ev_class <> c.oid) from"
                + " pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?")) {
            ps.setString(1, m.schema());
            ps.setString(2, m.identifier());
            try (ResultSet rs = ps.executeQuery()) {
                kind = rs.next() ? rs.getString(1) : null;
                readByViews = kind != null && rs.getBoolean(2);
            }
        }
        String rename = "alter table " + tmpRel + " rename to " + Relation.quote(m.identifier());
        if (kind == null) {
            try (Statement s = c.createStatement()) {
                s.execute(rename);
            }
        } else if (!"r".equals(kind)) {
            inTransaction(c, "drop view " + m.relation() + " cascade;\n" + rename);
        } else if (!readByViews) {
            // cascade: no view reads it (else the branch below), so only other tables' foreign keys to it go, as
            // dbt-postgres drops the relation it replaces with cascade
            inTransaction(c, "drop table if exists " + old + ";\nalter table " + m.relation() + " rename to "
                    + Relation.quote(aside(m.identifier(), "__strata_old")) + ";\n" + rename + ";\ndrop table " + old
                    + " cascade");
        } else {
            String cols = columns(c, m.schema(), tmp).stream().map(Relation::quote).collect(Collectors.joining(", "));
            inTransaction(c, "lock table " + m.relation() + " in access exclusive mode;\ntruncate " + m.relation()
                    + ";\ninsert into " + m.relation() + " (" + cols + ") select " + cols + " from " + tmpRel
                    + ";\ndrop table " + tmpRel);
        }
    }

    /** Runs statements (one round trip) and commits them together, or none of them. */
    static void inTransaction(Connection c, String statements) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(statements);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Runs statements in one round trip; the update count of the last one. */
    static long lastUpdateCount(Connection c, String statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            boolean resultSet = s.execute(statements);
            long last = -1;
            while (true) {
                if (!resultSet) {
                    long count = s.getLargeUpdateCount();
                    if (count == -1) {
                        return last;
                    }
                    last = count;
                }
                resultSet = s.getMoreResults();
            }
        }
    }

    /**
     * Adds the new rows; with a unique key, rows with the same key are replaced (only those that also match the
     * model's {@code incremental_predicates}, which may name the table as {@code DBT_INTERNAL_DEST}). When the query's
     * columns differ from the table's, {@code on_schema_change} says what happens (dbt's values): {@code ignore} (the
     * common columns are written), {@code fail} (the step fails, nothing changes), {@code append_new_columns} (new
     * columns are added to the table) or {@code sync_all_columns} (added, dropped and retyped to match the query), in
     * the same transaction as the rows. Rows written.
     */
    public static long incremental(Connection c, CompiledModel m, String incrementalSql) throws SQLException {
        String tmp = aside(m.identifier(), "__strata_new");
        List<String> common = intoTemp(c, m, tmp, incrementalSql, "model");
        String onSchemaChange = String.valueOf(m.config().getOrDefault("on_schema_change", "ignore")).toLowerCase(
                java.util.Locale.ROOT);
        List<String> changes = new ArrayList<>();
        if (!onSchemaChange.equals("ignore")) {
            java.util.Map<String, String> source = typedColumns(c, "pg_temp." + Relation.quote(tmp));
            java.util.Map<String, String> target = typedColumns(c, m.relation());
            List<String> added = source.keySet().stream().filter(col -> !target.containsKey(col)).toList();
            List<String> removed = target.keySet().stream().filter(col -> !source.containsKey(col)).toList();
            List<String> retyped = source.keySet().stream().filter(col -> target.containsKey(col) && !target.get(col)
                    .equals(source.get(col))).toList();
            if (!added.isEmpty() || !removed.isEmpty() || !retyped.isEmpty()) {
                String drift = "new columns " + added.stream().map(col -> col + " " + source.get(col)).toList()
                        + ", missing columns " + removed + ", changed types " + retyped.stream().map(col -> col + " "
                                + target.get(col) + " → " + source.get(col)).toList();
                if (onSchemaChange.equals("fail")) {
                    try (Statement s = c.createStatement()) {
                        s.execute("drop table " + Relation.quote(tmp));
                    }
                    throw new SQLException("the query's columns and " + m.relation() + "'s are out of sync ("
                            + drift + ") and on_schema_change is fail; rebuild it with fullRefresh or set"
                            + " on_schema_change to append_new_columns or sync_all_columns");
                }
                for (String col : added) {
                    changes.add("alter table " + m.relation() + " add column " + Relation.quote(col) + " "
                            + source.get(col));
                }
                if (onSchemaChange.equals("sync_all_columns")) {
                    for (String col : removed) {
                        changes.add("alter table " + m.relation() + " drop column " + Relation.quote(col));
                    }
                    for (String col : retyped) {
                        changes.add("alter table " + m.relation() + " alter column " + Relation.quote(col) + " type "
                                + source.get(col) + " using " + Relation.quote(col) + "::" + source.get(col));
                    }
                }
                common = new ArrayList<>(source.keySet());
                if (!onSchemaChange.equals("sync_all_columns")) {
                    common.removeIf(col -> !target.containsKey(col) && !added.contains(col));
                }
            }
        }
        String cols = common.stream().map(Relation::quote).collect(Collectors.joining(", "));
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String change : changes) {
                s.execute(change);
            }
            if (!m.uniqueKey().isEmpty()) {
                String keys = m.uniqueKey().stream().map(Relation::quote).collect(Collectors.joining(", "));
                StringBuilder delete = new StringBuilder("delete from " + m.relation() + " as DBT_INTERNAL_DEST where ("
                        + keys + ") in (select " + keys + " from " + Relation.quote(tmp) + ")");
                for (String predicate : predicates(m.config().get("incremental_predicates"))) {
                    delete.append(" and (").append(predicate).append(")");
                }
                s.executeUpdate(delete.toString());
            }
            long rows = s.executeUpdate("insert into " + m.relation() + " (" + cols + ") select " + cols + " from "
                    + Relation.quote(tmp));
            s.execute("drop table " + Relation.quote(tmp));
            c.commit();
            return rows;
        } catch (SQLException e) {
            c.rollback();
            throw violation(m, e);
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static List<String> predicates(Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        return list.stream().map(String::valueOf).filter(p -> !p.isBlank()).toList();
    }

    /** A relation's columns with their types ({@code format_type}), in order; empty when it does not exist. */
    static java.util.Map<String, String> typedColumns(Connection c, String relation) throws SQLException {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select a.attname, format_type(a.atttypid, a.atttypmod) from"
                + " pg_attribute a where a.attrelid = to_regclass(?) and a.attnum > 0 and not a.attisdropped order by"
                + " a.attnum")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * dbt's enforced contract: the query's columns must be the declared ones, by name and data type (compared as
     * Postgres resolves them: {@code int} is {@code integer}, sizes aside), none missing and none more. The query,
     * its columns in the contract's order, to build from; else the step fails with every difference.
     */
    public static String enforceContract(Connection c, CompiledModel m, String sql,
            java.util.Map<String, String> declared)
            throws SQLException {
        java.util.Map<String, String> actual = new java.util.LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select * from (\n" + sql + "\n) as"
                        + " __strata_contract limit 0")) {
            var md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                actual.put(md.getColumnLabel(i), md.getColumnTypeName(i));
            }
        }
        List<String> types = new ArrayList<>(declared.values());
        types.addAll(actual.values());
        java.util.Map<String, String> resolved = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select t, coalesce(to_regtype(t)::text, t) from unnest(?) t")) {
            ps.setArray(1, c.createArrayOf("text", types.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    resolved.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            if (!"22P02".equals(e.getSQLState()) && !"42601".equals(e.getSQLState())) {
                throw e;
            }
        }
        List<String> problems = new ArrayList<>();
        declared.forEach((col, type) -> {
            String want = resolved.getOrDefault(type, type);
            if (!actual.containsKey(col)) {
                problems.add("column " + col + " (" + want + ") is in the contract but not in the query");
            } else if (!want.equals(resolved.getOrDefault(actual.get(col), actual.get(col)))) {
                problems.add("column " + col + ": the contract says " + want + ", the query gives " + resolved
                        .getOrDefault(actual.get(col), actual.get(col)));
            }
        });
        actual.forEach((col, type) -> {
            if (!declared.containsKey(col)) {
                problems.add("column " + col + " (" + resolved.getOrDefault(type, type) + ") is in the query but not"
                        + " in the contract");
            }
        });
        if (!problems.isEmpty()) {
            throw new SQLException(m.name() + " has an enforced contract that failed (the name, data_type and number"
                    + " of columns of its yml must match its query): " + String.join("; ", problems));
        }
        return "select " + declared.keySet().stream().map(Relation::quote).collect(Collectors.joining(", "))
                + " from (\n" + sql + "\n) as __strata_contract";
    }

    /**
     * A snapshot (dbt's SCD type 2): every version of each {@code unique_key} row, with {@code dbt_scd_id},
     * {@code dbt_updated_at}, {@code dbt_valid_from} and {@code dbt_valid_to} (null: the current version). A row has
     * changed when its {@code updated_at} is newer than the current version's (strategy timestamp) or one of
     * {@code check_cols} differs (strategy check, versions stamped with the run's time). The current version of a
     * changed row is closed and the new one inserted in one transaction; with {@code invalidate_hard_deletes} a row
     * gone from the query is closed too. Rows written: new versions.
     */
    /** dbt's {@code pre_hook} / {@code post_hook}: each statement on the model's connection, in order. */
    static void hooks(Connection c, CompiledModel m, List<String> hooks, String kind) throws SQLException {
        for (String hook : hooks) {
            try (Statement s = c.createStatement()) {
                s.execute(hook);
            } catch (SQLException e) {
                throw new SQLException(kind + " of " + m.name() + " failed: " + e.getMessage(), e.getSQLState(), e);
            }
        }
    }

    /** dbt-postgres's {@code snapshot_get_time()}: the run's time as {@code timestamp} (without time zone). */
    static final String SNAPSHOT_TIME = "now()::timestamp without time zone";

    public static long snapshot(Connection c, CompiledModel m, String sql) throws SQLException {
        boolean timestamp = "timestamp".equalsIgnoreCase(String.valueOf(m.config().get("strategy")));
        // dbt-postgres: snapshot_get_time() is now()::timestamp without time zone (postgres/macros/timestamps.sql);
        // dbt_scd_id is snapshot_hash_arguments(scd_args(unique_key, updated_at)): md5 of each part as
        // coalesce(cast(x as varchar), '') joined by '|' (global_project/.../snapshots/strategies.sql)
        String updated = timestamp
                ? "s." + Relation.quote(String.valueOf(m.config().get("updated_at")))
                : SNAPSHOT_TIME;
        List<String> scdArgs = new java.util.ArrayList<>(m.uniqueKey().stream().map(k -> "s." + Relation.quote(k))
                .toList());
        scdArgs.add(updated);
        String scdId = "md5(" + scdArgs.stream().map(a -> "coalesce(cast(" + a + " as varchar ), '')")
                .collect(Collectors.joining(" || '|' || ")) + ")";
        String stamps = scdId + " as dbt_scd_id, " + updated + " as dbt_updated_at, " + updated + " as dbt_valid_from,"
                + " (case when false then " + updated + " end) as dbt_valid_to";
        if (relkind(c, m.schema(), m.identifier()) == null) {
            String tmp = aside(m.identifier(), "__strata_tmp");
            long rows = lastUpdateCount(c, "drop table if exists " + Relation.quote(m.schema()) + "."
                    + Relation.quote(tmp) + ";\ncreate table " + Relation.quote(m.schema()) + "." + Relation.quote(tmp)
                    + " as\nselect s.*, " + stamps + " from (\n" + sql + "\n) as s");
            swap(c, m, tmp);
            return rows;
        }
        String src = aside(m.identifier(), "__strata_snap");
        List<String> cols = intoTemp(c, m, src, sql, "snapshot");
        String match = m.uniqueKey().stream().map(k -> "t." + Relation.quote(k) + " = s." + Relation.quote(k))
                .collect(Collectors.joining(" and "));
        String changed;
        if (timestamp) {
            changed = updated + " > t.dbt_valid_from";
        } else {
            Object check = m.config().get("check_cols");
            List<String> checked = check instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : cols.stream().filter(col -> !m.uniqueKey().contains(col)).toList();
            for (String col : checked) {
                if (!cols.contains(col)) {
                    throw new SQLException("check_cols column '" + col + "' is not a column of both the snapshot's"
                            + " query and " + m.relation());
                }
            }
            changed = "(" + checked.stream().map(col -> "s." + Relation.quote(col) + " is distinct from t."
                    + Relation.quote(col)).collect(Collectors.joining(" or ")) + ")";
        }
        String list = cols.stream().map(Relation::quote).collect(Collectors.joining(", "));
        String srcRel = Relation.quote(src);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("update " + m.relation() + " as t set dbt_valid_to = " + updated + " from " + srcRel
                    + " as s where " + match + " and t.dbt_valid_to is null and " + changed);
            if (Boolean.parseBoolean(String.valueOf(m.config().get("invalidate_hard_deletes")))) {
                s.executeUpdate("update " + m.relation() + " as t set dbt_valid_to = " + SNAPSHOT_TIME
                        + " where t.dbt_valid_to is"
                        + " null and not exists (select 1 from " + srcRel + " as s where " + match + ")");
            }
            long rows = s.executeUpdate("insert into " + m.relation() + " (" + list + ", dbt_scd_id, dbt_updated_at,"
                    + " dbt_valid_from, dbt_valid_to) select " + cols.stream().map(col -> "s." + Relation.quote(col))
                            .collect(Collectors.joining(", "))
                    + ", " + stamps + " from " + srcRel + " as s where not exists (select 1 from " + m.relation()
                    + " as t where " + match + " and t.dbt_valid_to is null)");
            s.execute("drop table " + srcRel);
            c.commit();
            return rows;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Runs the query into temporary table {@code tmp}; its columns that the model's table has too, which must hold
     * every {@code unique_key} column.
     */
    private static List<String> intoTemp(Connection c, CompiledModel m, String tmp, String sql, String what)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists pg_temp." + Relation.quote(tmp));
            s.execute("create temporary table " + Relation.quote(tmp) + " as\n" + sql);
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
                throw new SQLException("unique_key column '" + key + "' is not a column of both the " + what
                        + "'s query and " + m.relation());
            }
        }
        return common;
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
