package dev.strata.registry.sql;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.copy.CopyOut;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.dataset.Dataset;
import dev.strata.registry.dataset.DatasetQuery;
import dev.strata.registry.dataset.DatasetRepository;
import dev.strata.registry.share.DatasetShare;
import dev.strata.registry.share.ShareRepository;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;

/**
 * Runs analysts' SQL against the warehouse as the namespace's READ-ONLY Postgres role
 * ({@link NamespaceRoles#openReader}), in a read-only transaction with a statement timeout, an idle timeout and a
 * modest {@code work_mem}. Results stream: NDJSON rows as they are fetched ({@code fetchSize} with autocommit off), CSV
 * through Postgres' {@code COPY (...) TO STDOUT} straight into the response; neither is held in memory. The namespace
 * role is checked on every request (the grants of the caller's token), so a caller who lost the binding is refused on
 * the next query. Every query is audited.
 */
@ApplicationScoped
public class SqlService {

    static final int FIRST_ROWS = 100;
    private static final int NEXT_ROWS = 1000;
    /** Rows (lines of an export) between two looks at whether the client is still there. */
    private static final int LEFT_EVERY = 256;
    private static final int UNPROCESSABLE = 422;
    static final int MAX_SQL_BYTES = 100 * 1024;
    static final int MAX_PARAMETERS = 64;
    static final int MAX_PARAMETER_CHARS = 10_000;
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F-]{1,64}");
    private static final Pattern WORK_MEM = Pattern.compile("[0-9]+ ?(kB|MB|GB)?");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String COPY_PREFIX = "COPY (";
    private static final Logger LOG = Logger.getLogger(SqlService.class);

    private final ReaderPools pools;
    private final NamespaceAccess access;
    private final LiveRoles liveRoles;
    private final RunningQueries running;
    private final QueryAudit audit;
    private final DatasetRepository datasets;
    private final ShareRepository shares;
    private final RegistryConfig.Sql config;
    private final ObjectMapper json;

    SqlService(ReaderPools pools, NamespaceAccess access, LiveRoles liveRoles, RunningQueries running,
            QueryAudit audit, DatasetRepository datasets, ShareRepository shares, RegistryConfig config,
            ObjectMapper json) {
        this.pools = pools;
        this.access = access;
        this.liveRoles = liveRoles;
        this.running = running;
        this.audit = audit;
        this.datasets = datasets;
        this.shares = shares;
        this.config = config.sql();
        this.json = json;
        if (!WORK_MEM.matcher(this.config.workMem()).matches()) {
            throw new IllegalArgumentException("strata.registry.sql.work-mem must be a size such as 16MB, not '"
                    + this.config.workMem() + "'");
        }
    }

    /** A parameter's declared type (saved queries) or none (ad-hoc: Postgres infers it). */
    public enum ParamType {
        TEXT("text"), INTEGER("bigint"), NUMBER("numeric"), DATE("date"), BOOLEAN("boolean");

        final String pg;

        ParamType(String pg) {
            this.pg = pg;
        }

        public static ParamType parse(String type) {
            return type == null ? null : switch (type) {
                case "text" -> TEXT;
                case "integer" -> INTEGER;
                case "number" -> NUMBER;
                case "date" -> DATE;
                case "boolean" -> BOOLEAN;
                default -> null;
            };
        }
    }

    /** Checks that the caller is an analyst (or more) of {@code namespace}: 404 if it cannot read it, 403 if viewer. */
    public void requireAnalyst(String namespace) {
        if (!Namespaces.isValid(namespace)) {
            throw new NotFoundException();
        }
        access.require(namespace, Role.ANALYST);
    }

    /**
     * Starts a query and answers its NDJSON stream once the first rows are fetched; an error before that (syntax,
     * refused, timeout, unknown table) is thrown as a {@link SqlProblem}.
     */
    public StreamingOutput query(String namespace, String sql, Map<String, Object> parameters,
            Map<String, ParamType> types, Integer maxRows, String queryId, RunningQueries.Client client) {
        long t0 = System.nanoTime();
        requireAnalyst(namespace);
        liveRoles.requireAnalyst(namespace);
        long checked = System.nanoTime();
        int cap = maxRows == null ? config.defaultMaxRows() : maxRows;
        if (cap < 1 || cap > config.maxRows()) {
            throw bad("maxRows must be between 1 and " + config.maxRows() + ", not " + cap + ".");
        }
        String id = queryId(queryId);
        Prepared p = prepare(namespace, sql, parameters, types, QueryAudit.QUERIED, id);
        Started started = start(namespace, id, p, QueryAudit.QUERIED, 0, config.statementTimeout(), client);
        Connection c = started.connection;
        long ready = System.nanoTime();
        ResultSet rs;
        Statement st;
        try {
            st = c.createStatement();
            st.setEscapeProcessing(false);
            // the first rows come in one fetch and are flushed at once; the rest in bigger fetches (stream)
            st.setFetchSize(FIRST_ROWS);
            st.setMaxRows(cap + 1);
            requireRunning(started.run);
            rs = st.executeQuery(p.sent.text());
        } catch (SQLException e) {
            throw failed(started, p, e, 0, QueryAudit.QUERIED);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debugf("query %s: role checked in %d ms, connection and settings in %d ms, first fetch in %d ms", id,
                    (checked - t0) / 1_000_000, (ready - checked) / 1_000_000, (System.nanoTime() - ready)
                            / 1_000_000);
        }
        return out -> stream(out, started, p, st, rs, cap, client);
    }

    private void stream(OutputStream raw, Started started, Prepared p, Statement st, ResultSet rs, int cap,
            RunningQueries.Client client) {
        long rows = 0;
        boolean truncated = false;
        String outcome = "ok";
        JsonGenerator g = null;
        try {
            g = json.getFactory().createGenerator(raw);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null);
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            int[] kinds = new int[n + 1];
            g.writeStartObject();
            g.writeStringField("queryId", started.run.queryId);
            g.writeArrayFieldStart("columns");
            PGResultSetMetaData pg = meta.unwrap(PGResultSetMetaData.class);
            for (int i = 1; i <= n; i++) {
                kinds[i] = kind(meta.getColumnType(i), meta.getColumnTypeName(i));
                g.writeStartObject();
                g.writeStringField("name", meta.getColumnLabel(i));
                g.writeStringField("type", meta.getColumnTypeName(i));
                String table = pg.getBaseTableName(i);
                g.writeStringField("table", table == null || table.isEmpty()
                        ? null
                        : pg.getBaseSchemaName(i) + "." + table);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
            g.flush();
            try {
                while (rs.next()) {
                    if (rows == cap) {
                        truncated = true;
                        break;
                    }
                    if (rows % LEFT_EVERY == 0 && client != null) {
                        client.left();
                    }
                    requireRunning(started.run);
                    g.writeStartArray();
                    for (int i = 1; i <= n; i++) {
                        value(g, rs, i, kinds[i]);
                    }
                    g.writeEndArray();
                    g.writeRaw('\n');
                    rows++;
                    if (rows == FIRST_ROWS) {
                        g.flush();
                        rs.setFetchSize(NEXT_ROWS);
                    }
                }
                long ms = (System.nanoTime() - started.t0) / 1_000_000;
                g.writeStartObject();
                g.writeObjectFieldStart("end");
                g.writeNumberField("rows", rows);
                g.writeBooleanField("truncated", truncated);
                g.writeNumberField("durationMs", ms);
                g.writeEndObject();
                g.writeEndObject();
                g.writeRaw('\n');
                outcome = truncated ? "truncated" : "ok";
            } catch (SQLException e) {
                SqlProblem problem = problem(e, p.sent, 0, started.run);
                outcome = outcome(problem);
                g.writeStartObject();
                g.writeFieldName("error");
                json.writeValue(g, problem.body());
                g.writeEndObject();
                g.writeRaw('\n');
            }
            g.flush();
        } catch (IOException | SQLException e) {
            // the client went away (or the first line could not be written): end the query on the server
            outcome = "disconnected";
        } finally {
            if (started.run.disconnected) {
                outcome = "disconnected";
            }
            closeQuietly(st);
            finish(started, p, QueryAudit.QUERIED, rows, outcome);
        }
    }

    /**
     * Starts a CSV export ({@code COPY (<query>) TO STDOUT WITH CSV HEADER} as the namespace's read-only role) and
     * answers the stream of its bytes, written as Postgres sends them; no row cap.
     */
    public StreamingOutput export(String namespace, String sql, Map<String, Object> parameters,
            Map<String, ParamType> types, String queryId, RunningQueries.Client client) {
        requireAnalyst(namespace);
        liveRoles.requireAnalyst(namespace);
        String id = queryId(queryId);
        Prepared p = prepare(namespace, sql, parameters, types, QueryAudit.EXPORTED, id);
        Started started = start(namespace, id, p, QueryAudit.EXPORTED, COPY_PREFIX.length(),
                config.exportTimeout(), client);
        CopyOut copy;
        try {
            requireRunning(started.run);
            copy = started.connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut(COPY_PREFIX + p.sent.text() + "\n) TO STDOUT WITH (FORMAT csv, HEADER)");
        } catch (SQLException e) {
            throw failed(started, p, e, COPY_PREFIX.length(), QueryAudit.EXPORTED);
        }
        return out -> {
            long lines = 0;
            String outcome = "ok";
            SQLException failure = null;
            try {
                OutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
                byte[] line;
                while ((line = copy.readFromCopy()) != null) {
                    buffered.write(line);
                    lines++;
                    if (lines % LEFT_EVERY == 0 && client != null) {
                        client.left();
                    }
                    if (started.run.interrupted()) {
                        outcome = "cancelled";
                        break;
                    }
                }
                buffered.flush();
            } catch (SQLException e) {
                // the answer has begun: the response is broken off (never a CSV that looks complete); the audit
                // says why
                outcome = outcome(problem(e, p.sent, COPY_PREFIX.length(), started.run));
                failure = e;
            } catch (IOException e) {
                outcome = "disconnected";
            } finally {
                if (started.run.disconnected) {
                    outcome = "disconnected";
                }
                if (copy.isActive()) {
                    try {
                        copy.cancelCopy();
                    } catch (SQLException e) {
                        LOG.debugf("cancelling the copy of export %s: %s", started.run.queryId, e.getMessage());
                    }
                }
                finish(started, p, QueryAudit.EXPORTED, Math.max(0, lines - 1), outcome);
            }
            if (failure != null || "cancelled".equals(outcome)) {
                throw new IOException("export " + started.run.queryId + " ended early: " + outcome);
            }
        };
    }

    /** Cancels the caller's running query {@code queryId} in {@code namespace} on the server; 404 when none. */
    public void cancel(String namespace, String queryId) {
        requireAnalyst(namespace);
        RunningQueries.Running run = running.find(queryId, access.principal(), namespace).orElseThrow(
                () -> new SqlProblem(Status.NOT_FOUND, "not-found", "Not Found", "No query '" + Namespaces
                        .printable(queryId) + "' of yours is running in namespace '" + namespace + "'."));
        try {
            run.cancel(false);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * The schemas, tables and columns this namespace's analysts may query, as the read-only role sees them, with the
     * catalog's dataset of each table.
     */
    public Map<String, Object> schema(String namespace) {
        requireAnalyst(namespace);
        liveRoles.requireAnalyst(namespace);
        Map<String, String> datasetOf = sharedTables(namespace);
        String[] sharedSchemas = datasetOf.keySet().stream().map(t -> t.substring(0, t.indexOf('.'))).distinct()
                .toArray(String[]::new);
        for (Dataset d : datasets.list(new NamespaceAccess.Scope(false, java.util.Set.of(namespace)),
                new DatasetQuery(namespace, null, null, null, 500, 0, false))) {
            if (d.warehouseTable() != null) {
                datasetOf.put(d.warehouseTable(), d.qualifiedName());
            }
        }
        Map<String, Map<String, List<Map<String, Object>>>> bySchema = new LinkedHashMap<>();
        String prefix = Namespaces.pgName(namespace) + "__";
        Connection c;
        try {
            c = pools.borrow(namespace);
        } catch (SQLException e) {
            throw unavailable(e);
        }
        boolean clean = false;
        try {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement("select n.nspname from pg_namespace n where "
                    + "(starts_with(n.nspname, ?) or n.nspname = any(?)) and has_schema_privilege(n.oid, 'USAGE') "
                    + "order by 1")) {
                s.setString(1, prefix);
                s.setArray(2, c.createArrayOf("text", sharedSchemas));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        bySchema.put(rs.getString(1), new LinkedHashMap<>());
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("select table_schema, table_name, column_name, data_type "
                    + "from information_schema.columns where starts_with(table_schema, ?) or table_schema = any(?) "
                    + "order by table_schema, table_name, ordinal_position")) {
                s.setString(1, prefix);
                s.setArray(2, c.createArrayOf("text", sharedSchemas));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Map<String, List<Map<String, Object>>> tables = bySchema.get(rs.getString(1));
                        if (tables != null) {
                            tables.computeIfAbsent(rs.getString(2), t -> new ArrayList<>()).add(Map.of("name", rs
                                    .getString(3), "type", rs.getString(4)));
                        }
                    }
                }
            }
            c.rollback();
            clean = true;
        } catch (SQLException e) {
            throw unavailable(e);
        } finally {
            if (clean) {
                pools.release(namespace, c);
            } else {
                pools.evict(namespace, c);
            }
        }
        List<Map<String, Object>> schemas = new ArrayList<>();
        bySchema.forEach((schema, tables) -> {
            List<Map<String, Object>> list = new ArrayList<>();
            tables.forEach((table, columns) -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("name", table);
                t.put("dataset", datasetOf.get(schema + "." + table));
                t.put("columns", columns);
                list.add(t);
            });
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", schema);
            s.put("layer", Namespaces.localSchema(schema).orElse(null));
            s.put("tables", list);
            schemas.add(s);
        });
        return Map.of("schemas", schemas);
    }

    /** The tables of other namespaces shared with {@code namespace} ({@code schema.table}) → their dataset. */
    private Map<String, String> sharedTables(String namespace) {
        Map<String, String> tables = new LinkedHashMap<>();
        for (DatasetShare share : shares.sharedWith(namespace)) {
            if (share.table().indexOf('.') > 0) {
                tables.put(share.table(), share.dataset());
            }
        }
        return tables;
    }

    // --- the steps of a query

    private record Prepared(String sql, SqlGuard.Sent sent) {
    }

    private record Started(Connection connection, RunningQueries.Running run, long t0) {
    }

    /** Bounds, pre-check (refusals audited), parameters as literals. */
    private Prepared prepare(String namespace, String sql, Map<String, Object> parameters,
            Map<String, ParamType> types, String action, String queryId) {
        if (sql == null || sql.isBlank()) {
            throw bad("\"sql\" is required: one query, e.g. SELECT * FROM <table> LIMIT 10.");
        }
        if (sql.length() > MAX_SQL_BYTES
                || sql.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SQL_BYTES) {
            throw bad("\"sql\" is longer than " + (MAX_SQL_BYTES / 1024) + " KB.");
        }
        Map<String, String> values = values(parameters);
        SqlGuard.Checked checked;
        try {
            // another namespace's schema is looked up only when the SQL names one
            Map<String, Set<String>> shared = new HashMap<>(1);
            checked = SqlGuard.check(sql, namespace, schema -> shared.computeIfAbsent(namespace,
                    ns -> sharedTables(ns).keySet().stream().map(t -> t.substring(0, t.indexOf('.'))).collect(
                            Collectors.toSet()))
                    .contains(schema));
            SqlGuard.require(checked, values);
        } catch (SqlGuard.Refused r) {
            if (r.badRequest) {
                throw bad(r.getMessage());
            }
            audit(QueryAudit.REFUSED, access.principal(), namespace, queryId, sql, 0, 0, "refused");
            throw SqlProblem.refused(r.getMessage());
        }
        Map<String, ParamType> declared = types == null ? Map.of() : types;
        for (String name : checked.parameters()) {
            check(name, values.get(name), declared.get(name));
        }
        return new Prepared(sql, checked.render(name -> {
            String value = values.get(name);
            ParamType type = declared.get(name);
            if (value == null) {
                return type == null ? "NULL" : "NULL::" + type.pg;
            }
            return SqlGuard.literal(value, type == null ? null : type.pg);
        }));
    }

    /** Opens the read-only connection, registers the query, starts its read-only transaction. */
    private Started start(String namespace, String queryId, Prepared p, String action, int prefix,
            java.time.Duration timeout, RunningQueries.Client client) {
        long t0 = System.nanoTime();
        Connection c;
        try {
            c = pools.borrow(namespace);
        } catch (SQLTransientConnectionException e) {
            if (e.getCause() == null) {
                // the pool waited strata.registry.sql.pool.acquire-timeout for one of the namespace's connections
                throw new SqlProblem(Status.SERVICE_UNAVAILABLE, "too-many-queries", "Too many queries",
                        "All " + pools.maxSize() + " warehouse connections of namespace '" + namespace + "' are "
                                + "busy with other queries and exports (strata.registry.sql.pool.max-size); retry "
                                + "when one has ended.");
            }
            throw unavailable(e);
        } catch (SQLException e) {
            throw unavailable(e);
        }
        RunningQueries.Running run;
        try {
            run = new RunningQueries.Running(queryId, access.principal(), namespace, c);
        } catch (SQLException e) {
            pools.evict(namespace, c);
            throw unavailable(e);
        }
        if (!running.start(run)) {
            pools.release(namespace, c);
            throw new SqlProblem(Status.CONFLICT, "conflict", "Conflict", "A query with id '" + queryId
                    + "' is running already; use another queryId.");
        }
        Started started = new Started(c, run, t0);
        if (client != null) {
            client.attach(run);
        }
        try {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                // one round trip: the connection is pooled and clean (DISCARD ALL), so every setting is set again
                s.execute("set transaction read only; set local statement_timeout = " + timeout.toMillis()
                        + "; set local idle_in_transaction_session_timeout = " + config.idleTimeout().toMillis()
                        + "; set local work_mem = " + SqlGuard.literal(config.workMem(), null)
                        + "; set local standard_conforming_strings = on; set local search_path to "
                        + NamespaceRoles.readerSearchPath(namespace));
            }
        } catch (SQLException e) {
            throw failed(started, p, e, prefix, action);
        }
        return started;
    }

    /**
     * Stops here a query that was cancelled or whose client left while no statement ran (Postgres ignores a cancel
     * request then).
     */
    private static void requireRunning(RunningQueries.Running run) throws SQLException {
        if (run.interrupted()) {
            throw new SQLException("canceling statement due to user request", "57014");
        }
    }

    /** Ends a query that failed before its first line: closes, audits, and answers its problem. */
    private SqlProblem failed(Started started, Prepared p, SQLException e, int prefix, String action) {
        SqlProblem problem = problem(e, p.sent, prefix, started.run);
        String outcome = started.run.disconnected ? "disconnected" : outcome(problem);
        finish(started, p, "refused".equals(outcome) ? QueryAudit.REFUSED : action, 0, outcome);
        return problem;
    }

    private void finish(Started started, Prepared p, String action, long rows, String outcome) {
        // after end() no cancel reaches this connection: it may serve the next query of the namespace
        running.end(started.run);
        boolean clean = ("ok".equals(outcome) || "truncated".equals(outcome)) && !started.run.interrupted();
        if (clean) {
            pools.release(started.run.namespace, started.connection);
        } else {
            // failed, timed out, cancelled or its client left: closed, never handed to another query
            pools.evict(started.run.namespace, started.connection);
        }
        audit(action, started.run.principal, started.run.namespace, started.run.queryId, p.sql, rows,
                (System.nanoTime() - started.t0) / 1_000_000, outcome);
    }

    private void audit(String action, String principal, String namespace, String queryId, String sql, long rows,
            long ms, String outcome) {
        try {
            audit.record(action, principal, namespace, queryId, sql, rows, ms, outcome);
        } catch (RuntimeException e) {
            LOG.errorf("the audit record of query %s in namespace '%s' could not be written: %s", queryId, namespace,
                    e.getMessage());
        }
    }

    // --- errors

    /** The problem for a failed statement, positions mapped back into the caller's text. */
    SqlProblem problem(SQLException e, SqlGuard.Sent sent, int prefix, RunningQueries.Running run) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        ServerErrorMessage server = e instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        String message = server != null && server.getMessage() != null ? server.getMessage() : e.getMessage();
        if ("57014".equals(state)) {
            if (run != null && run.cancelled) {
                return new SqlProblem(UNPROCESSABLE, "query-cancelled", "Query cancelled",
                        "The query was cancelled on your request.");
            }
            return timedOut();
        }
        if ("25P03".equals(state)) {
            return new SqlProblem(UNPROCESSABLE, "query-timed-out", "Query timed out",
                    "The query's transaction stayed idle too long and was ended "
                            + "(strata.registry.sql.idle-timeout).");
        }
        if ("42501".equals(state) || "25006".equals(state) || state.startsWith("0LP") || "0A000".equals(state)
                && message != null && message.contains("COPY")) {
            return SqlProblem.refused("Query refused: Postgres says \"" + message + "\". " + SqlGuard.SENTENCE)
                    .with("sqlState", state);
        }
        if (state.startsWith("42") || state.startsWith("22") || state.startsWith("21") || state.startsWith("0A")
                || state.startsWith("2B") || state.startsWith("P0")) {
            SqlProblem problem = new SqlProblem(Status.BAD_REQUEST, "sql-error", "42601".equals(state)
                    ? "SQL syntax error"
                    : "SQL error", message);
            if (server != null && server.getPosition() > 0 && sent != null) {
                int position = sent.originalPosition(server.getPosition(), prefix);
                int[] lc = lineColumn(sent.original(), position);
                problem.with("line", lc[0]).with("column", lc[1]).with("position", position);
            }
            if (server != null && server.getHint() != null) {
                problem.with("hint", server.getHint());
            }
            return problem.with("sqlState", state);
        }
        LOG.errorf("a query failed in the warehouse: %s (SQL state %s)", message, state);
        return new SqlProblem(Status.SERVICE_UNAVAILABLE, "warehouse-unavailable", "Warehouse unavailable",
                "The warehouse could not run the query (SQL state " + state + "); retry in a moment.");
    }

    private SqlProblem timedOut() {
        long ms = config.statementTimeout().toMillis();
        String after = ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        return new SqlProblem(UNPROCESSABLE, "query-timed-out", "Query timed out", "The query was "
                + "stopped after " + after + " (strata.registry.sql.statement-timeout): make it cheaper (filter, "
                + "aggregate, LIMIT) or export it.");
    }

    private static String outcome(SqlProblem problem) {
        return switch (problem.title()) {
            case "Query refused" -> "refused";
            case "Query timed out" -> "timed-out";
            case "Query cancelled" -> "cancelled";
            default -> "error";
        };
    }

    /** 1-based line and column of the 1-based {@code position} in {@code text}. */
    static int[] lineColumn(String text, int position) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(position - 1, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[]{line, column};
    }

    private static SqlProblem bad(String detail) {
        return new SqlProblem(Status.BAD_REQUEST, "invalid-request", "Bad Request", detail);
    }

    private static SqlProblem unavailable(SQLException e) {
        LOG.errorf("the warehouse could not be reached for a query: %s (SQL state %s)", e.getMessage(),
                e.getSQLState());
        return new SqlProblem(Status.SERVICE_UNAVAILABLE, "warehouse-unavailable", "Warehouse unavailable",
                "The warehouse did not answer (SQL state " + e.getSQLState() + "); retry in a moment.");
    }

    // --- values

    private static String queryId(String queryId) {
        if (queryId == null) {
            return UUID.randomUUID().toString();
        }
        if (!UUID_TEXT.matcher(queryId).matches()) {
            throw bad("queryId must be a UUID, e.g. " + UUID.randomUUID() + ".");
        }
        return queryId;
    }

    /** The caller's parameter values as text (null: SQL NULL); bounded. */
    private static Map<String, String> values(Map<String, Object> parameters) {
        Map<String, String> values = new LinkedHashMap<>();
        if (parameters == null) {
            return values;
        }
        if (parameters.size() > MAX_PARAMETERS) {
            throw bad("At most " + MAX_PARAMETERS + " parameters.");
        }
        parameters.forEach((name, value) -> {
            if (!PARAMETER_NAME.matcher(name).matches()) {
                throw bad("Parameter name '" + Namespaces.printable(name) + "' is not valid: letters, digits and "
                        + "'_', starting with a letter or '_'.");
            }
            if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw bad("Parameter '" + name + "' must be a string, a number, a boolean or null.");
            }
            String text = value == null ? null : value.toString();
            if (text != null && text.length() > MAX_PARAMETER_CHARS) {
                throw bad("Parameter '" + name + "' is longer than " + MAX_PARAMETER_CHARS + " characters.");
            }
            if (text != null && text.indexOf('\0') >= 0) {
                throw bad("Parameter '" + name + "' holds a NUL character.");
            }
            values.put(name, text);
        });
        return values;
    }

    /** A typed parameter's value must be of its type. */
    private static void check(String name, String value, ParamType type) {
        if (value == null || type == null) {
            return;
        }
        try {
            switch (type) {
                case INTEGER -> Long.parseLong(value.trim());
                case NUMBER -> new BigDecimal(value.trim());
                case DATE -> LocalDate.parse(value.trim());
                case BOOLEAN -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new IllegalArgumentException();
                    }
                }
                default -> {
                    // text takes any value
                }
            }
        } catch (RuntimeException e) {
            throw bad("Parameter '" + name + "': '" + Namespaces.printable(value) + "' is not a " + type.name()
                    .toLowerCase(java.util.Locale.ROOT) + (type == ParamType.DATE ? " (YYYY-MM-DD)" : "") + ".");
        }
    }

    private static final int NUMBER = 1;
    private static final int INTEGRAL = 2;
    private static final int FLOATING = 3;
    private static final int BOOL = 4;
    private static final int TIMESTAMP = 5;
    private static final int TIMESTAMPTZ = 6;
    private static final int TEXT = 7;

    private static int kind(int sqlType, String typeName) {
        return switch (sqlType) {
            case Types.SMALLINT, Types.INTEGER, Types.BIGINT -> INTEGRAL;
            case Types.REAL, Types.DOUBLE, Types.FLOAT -> FLOATING;
            case Types.NUMERIC, Types.DECIMAL -> NUMBER;
            case Types.BIT, Types.BOOLEAN -> "bool".equals(typeName) ? BOOL : TEXT;
            case Types.TIMESTAMP -> TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> "timestamptz".equals(typeName) ? TIMESTAMPTZ : TEXT;
            default -> TEXT;
        };
    }

    /** One value as JSON: numbers, booleans, null; timestamps ISO-8601; the rest Postgres' text. */
    private static void value(JsonGenerator g, ResultSet rs, int i, int kind) throws SQLException, IOException {
        switch (kind) {
            case INTEGRAL -> {
                long v = rs.getLong(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
            case FLOATING -> {
                double v = rs.getDouble(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeString(Double.toString(v));
                }
            }
            case NUMBER -> {
                String text = rs.getString(i);
                if (text == null) {
                    g.writeNull();
                } else if (text.equals("NaN") || text.contains("Infinity")) {
                    g.writeString(text);
                } else {
                    g.writeNumber(new BigDecimal(text));
                }
            }
            case BOOL -> {
                boolean v = rs.getBoolean(i);
                if (rs.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeBoolean(v);
                }
            }
            case TIMESTAMP -> {
                LocalDateTime v = rs.getObject(i, LocalDateTime.class);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.toString());
                }
            }
            case TIMESTAMPTZ -> {
                OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.toString());
                }
            }
            default -> {
                String v = rs.getString(i);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v);
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debugf("closing: %s", e.getMessage());
        }
    }
}
