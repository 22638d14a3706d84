package dev.strata.ingest.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.UploadObjectArgs;

import dev.strata.events.DatasetColumn;
import dev.strata.events.LoadSpec;
import dev.strata.ingest.source.SourceFetcher;
import dev.strata.ingest.source.SourceFetcher.Fetched;
import dev.strata.ingest.source.SpooledFile;
import dev.strata.ingest.spec.ContractMode;
import dev.strata.ingest.spec.LoadMode;
import dev.strata.ingest.spec.SourceLocations;
import dev.strata.outbox.TaskLogs;
import dev.strata.warehouse.Namespaces;

/**
 * The load path, plain Java (no CDI) so that a bare JVM can run it too: source → local spool (an HTTP body is read
 * while it downloads) → raw copy in the lake (in parallel) → types → COPY → one warehouse transaction that makes the
 * rows, the quarantine, the incremental cursor and the load's ledger entry visible together, or nothing at all.
 * <p>
 * The ledger ({@code strata_ingest.load_ledger} in the warehouse) makes a load id load once: a load id that is in it
 * returns the committed result without reading the source again.
 * <p>
 * Everything a load does in the warehouse runs as its namespace's own role ({@link Warehouse#open}): its table is
 * {@code <namespace>__raw.<name>}, and Postgres itself refuses anything outside the namespace. The ledger and cursor
 * rows are the admin's tables with row-level security: a namespace's role sees and writes only its own rows
 * ({@code db/warehouse/V2__namespace_state.sql}). An {@code s3} or {@code upload} source is checked against
 * {@link SourceLocations} before a byte is read.
 */
public final class Loader implements AutoCloseable {

    /** The largest object S3 takes in one PUT. */
    private static final long SINGLE_PUT_MAX_BYTES = 5L << 30;

    /** Opens connections to the warehouse database as a namespace's own role. */
    @FunctionalInterface
    public interface Warehouse {
        /**
         * A new connection logged in as {@code namespace}'s role, once {@code schemas} (names inside the namespace,
         * e.g. {@code raw}) exist and the role may use the ingest state tables.
         */
        Connection open(String namespace, Collection<String> schemas) throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(Loader.class);
    private static final String QUARANTINE = "quarantine";
    private static final int VALUE_IN_MESSAGE = 80;
    private static final LoadSpec.Format JDBC_EXTRACT = new LoadSpec.Format("csv", ",", "\"", true, "UTF-8",
            List.of(""),
            "none");

    private final LoadSettings settings;
    private final Warehouse warehouse;
    private final MinioClient s3;
    private final SourceFetcher fetcher;
    private final SourceLocations locations;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService uploads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ingest-raw-upload");
        t.setDaemon(true);
        return t;
    });

    public Loader(LoadSettings settings, Warehouse warehouse, MinioClient s3, SourceFetcher fetcher,
            SourceLocations locations) {
        this.settings = settings;
        this.warehouse = warehouse;
        this.s3 = s3;
        this.fetcher = fetcher;
        this.locations = locations;
    }

    /** The loaded table's name inside {@link #targetSchema}: the dataset's name. */
    public static String tableName(LoadSpec spec) {
        return spec.name();
    }

    /** The schema of the loaded table: the layer inside the load's namespace, {@code sales_eu__raw}. */
    public String targetSchema(LoadSpec spec) {
        return Namespaces.schema(spec.namespace(), settings.targetSchema());
    }

    /** The load's folder in the lake, below its namespace: {@code ns/<namespace>/raw/<name>/<load id>/}. */
    public String rawPrefix(UUID loadId, LoadSpec spec) {
        return Namespaces.lakePrefix(spec.namespace()) + "raw/" + spec.name() + "/" + loadId + "/";
    }

    /** The source as the task log shows it: what is read, never a credential (the log redacts URLs' user info). */
    static String describe(LoadSpec.Source source, String previousCursor) {
        String what = switch (source.kind()) {
            case "http" -> "http " + source.url();
            case "s3" -> "s3://" + source.bucket() + "/" + (source.key() != null ? source.key() : source.prefix());
            case "upload" -> "upload " + source.key();
            case "jdbc" -> "jdbc table " + source.table();
            default -> source.kind();
        };
        return what + (source.cursorColumn() == null
                ? ""
                : ", rows with " + source.cursorColumn() + (previousCursor == null ? "" : " > " + previousCursor));
    }

    private Connection open(LoadSpec spec) throws SQLException {
        return warehouse.open(spec.namespace(), List.of(settings.targetSchema(), QUARANTINE));
    }

    /** Loads {@code spec} once under {@code loadId}; throws {@link LoadException} with what was wrong. */
    public LoadResult load(UUID loadId, LoadSpec spec) {
        return load(loadId, spec, TaskLogs.Attempt.NONE);
    }

    /**
     * Loads {@code spec} once under {@code loadId}, writing what it does to the task's log: the source it opens,
     * what it read, each file's rows, quarantined rows, notes; throws {@link LoadException} with what was wrong.
     */
    public LoadResult load(UUID loadId, LoadSpec spec, TaskLogs.Attempt log) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        List<String> refused = locations.problems(spec);
        if (!refused.isEmpty()) {
            throw LoadException.input(String.join("; ", refused) + " (nothing was read)");
        }
        LoadResult committed = ledger(spec, loadId);
        if (committed != null) {
            log.info("already loaded by an earlier attempt: " + committed.rows() + " rows");
            return committed;
        }
        Path dir;
        try {
            Files.createDirectories(settings.spoolDir());
            dir = Files.createTempDirectory(settings.spoolDir(), "load-" + loadId + "-");
        } catch (IOException e) {
            throw LoadException.unavailable("cannot create a spool directory under " + settings.spoolDir() + ": "
                    + e.getMessage(), e);
        }
        try {
            String previousCursor = spec.source().cursorColumn() == null ? null : cursor(spec);
            long fetchStarted = System.nanoTime();
            log.info("opening source: " + describe(spec.source(), previousCursor));
            Fetched fetched = fetcher.fetch(spec.namespace(), spec.source(), dir, previousCursor);
            long spooled = System.nanoTime();
            log.info("source read: " + fetched.files().size() + " file(s), "
                    + fetched.files().stream().mapToLong(SpooledFile::bytes).sum() + " bytes in "
                    + TimeUnit.NANOSECONDS.toMillis(spooled - fetchStarted) + " ms");
            String prefix = rawPrefix(loadId, spec);
            List<CompletableFuture<Void>> rawCopies = fetched.files().stream()
                    .map(file -> CompletableFuture.runAsync(() -> upload(file, prefix + file.name()), uploads))
                    .toList();
            try (Connection c = open(spec)) {
                c.setAutoCommit(false);
                try {
                    LoadResult result = write(c, loadId, spec, fetched, previousCursor, deadline, rawCopies, log);
                    c.commit();
                    LOG.debugf("load %s: source answered in %d ms, loaded and committed %d ms later", loadId,
                            TimeUnit.NANOSECONDS.toMillis(spooled - fetchStarted),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spooled));
                    return result;
                } catch (RuntimeException | SQLException e) {
                    rollback(c);
                    throw e;
                }
            } catch (SQLException e) {
                throw fromSql(e);
            } finally {
                rawCopies.forEach(f -> f.cancel(true));
                fetched.files().forEach(SpooledFile::release);
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private LoadResult write(Connection c, UUID loadId, LoadSpec spec, Fetched fetched, String previousCursor,
            long deadline, List<CompletableFuture<Void>> rawCopies, TaskLogs.Attempt log) throws SQLException {
        String schema = targetSchema(spec);
        String table = tableName(spec);
        String target = Columns.quote(schema) + "." + Columns.quote(table);
        String where = schema + "." + table;
        execute(c, "SET LOCAL statement_timeout = " + Math.max(1, remainingMillis(deadline)));
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, "strata_ingest:" + spec.qualifiedName());
            lock.execute();
        }
        LoadResult committed = ledger(c, loadId);
        if (committed != null) {
            return committed;
        }
        if (spec.source().cursorColumn() != null && !java.util.Objects.equals(previousCursor, cursor(c, spec))) {
            throw new LoadException("another load of " + spec.qualifiedName() + " moved its cursor meanwhile; "
                    + "retry to continue from there", true);
        }
        LoadSpec.Format format = "jdbc".equals(spec.source().kind()) ? JDBC_EXTRACT : spec.format();
        Map<String, ColumnType> existing = tableColumns(c, schema, table);
        List<String> notes = new ArrayList<>();
        if (LoadMode.of(spec) == LoadMode.REPLACE && !existing.isEmpty()) {
            execute(c, "TRUNCATE " + target);
        }
        long rows = 0;
        long bytes = 0;
        long discarded = 0;
        List<Quarantined> quarantine = new ArrayList<>();
        for (SpooledFile file : fetched.files()) {
            if (file.isEmpty()) {
                throw LoadException.input(file.name() + " is empty (0 bytes): nothing to load");
            }
            FilePlan plan = plan(spec, format, file, fetched.sourceTypes(), existing);
            if (plan.columns().isEmpty()) {
                throw LoadException.input(file.name() + " has no records and no header: nothing to load");
            }
            existing = ensureTable(c, spec, schema, table, plan, existing, notes);
            String copyTarget = target;
            if (LoadMode.of(spec) == LoadMode.MERGE) {
                execute(c, "DROP TABLE IF EXISTS pg_temp.strata_load");
                execute(c, "CREATE TEMP TABLE strata_load (LIKE " + target + ") ON COMMIT DROP");
                copyTarget = "pg_temp.strata_load";
            }
            List<ColumnType> checks = plan.columns().stream().map(existing::get).toList();
            Counts counts = copy(c, spec, format, file, plan, checks, copyTarget, quarantine, deadline);
            bytes += file.bytes(); // read to its end: a download has ended
            rows += counts.rows;
            discarded += counts.discarded;
            log.info(file.name() + ": " + counts.rows + " rows copied into " + where + (counts.discarded > 0
                    ? ", " + counts.discarded + " discarded"
                    : "") + " (" + rows + " so far)");
            if (LoadMode.of(spec) == LoadMode.MERGE) {
                merge(c, spec, target, existing);
            }
        }
        if (!quarantine.isEmpty()) {
            log.warn(quarantine.size() + " rows quarantined into " + Namespaces.schema(spec.namespace(), QUARANTINE)
                    + " (each with its line and why)");
            writeQuarantine(c, spec, loadId, quarantine);
        }
        notes.forEach(log::info);
        if (spec.source().cursorColumn() != null && fetched.newCursor() != null) {
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO strata_ingest.cursor_state (namespace, name, cursor_column, cursor_value, load_id)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (namespace_role, namespace, name) DO UPDATE SET cursor_column = EXCLUDED.cursor_column,
                        cursor_value = EXCLUDED.cursor_value, load_id = EXCLUDED.load_id, updated_at = now()
                    """)) {
                upsert.setString(1, spec.namespace());
                upsert.setString(2, spec.name());
                upsert.setString(3, spec.source().cursorColumn());
                upsert.setString(4, fetched.newCursor());
                upsert.setObject(5, loadId);
                upsert.executeUpdate();
            }
        }
        long tableRows = rows;
        if (LoadMode.of(spec) != LoadMode.REPLACE) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM " + target)) {
                rs.next();
                tableRows = rs.getLong(1);
            }
        }
        List<DatasetColumn> columns = existing.entrySet().stream()
                .map(e -> new DatasetColumn(e.getKey(), e.getValue().sql())).toList();
        String rawLocation = "s3://" + settings.lakeBucket() + "/" + rawPrefix(loadId, spec);
        awaitRawCopies(rawCopies, deadline);
        LoadResult result = new LoadResult(rows, bytes, quarantine.size(), discarded, tableRows, columns,
                rawLocation, where, false, List.copyOf(notes));
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO strata_ingest.load_ledger (load_id, namespace, name, result) VALUES (?, ?, ?, ?::jsonb)
                """)) {
            insert.setObject(1, loadId);
            insert.setString(2, spec.namespace());
            insert.setString(3, spec.name());
            insert.setString(4, json.writeValueAsString(result));
            insert.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    /** The columns of a file, in file order, with the type each should have if the table gets it now. */
    private record FilePlan(List<String> columns, Map<String, ColumnType> types) {
    }

    private FilePlan plan(LoadSpec spec, LoadSpec.Format format, SpooledFile file, Map<String, ColumnType> sourceTypes,
            Map<String, ColumnType> existing) {
        TypeInference inference = new TypeInference();
        List<String> columns;
        try (RecordReader sample = open(format, file, null)) {
            for (int n = 0; n < settings.sampleRows() && sample.next(); n++) {
                inference.add(sample);
            }
            columns = List.copyOf(sample.columns());
        }
        Map<String, ColumnType> declared = new LinkedHashMap<>();
        for (LoadSpec.Column column : spec.columns()) {
            if (column.type() != null) {
                declared.put(Columns.normalize(column.name(), 0), ColumnType.parse(column.type()));
            }
        }
        Map<String, ColumnType> types = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i);
            ColumnType type = declared.get(name);
            if (type == null) {
                type = sourceTypes.get(name);
            }
            if (type == null) {
                type = inference.type(i);
            }
            types.put(name, type);
        }
        return new FilePlan(columns, types);
    }

    private Map<String, ColumnType> ensureTable(Connection c, LoadSpec spec, String schema, String table,
            FilePlan plan, Map<String, ColumnType> existing, List<String> notes) throws SQLException {
        String target = Columns.quote(schema) + "." + Columns.quote(table);
        if (existing.isEmpty()) {
            StringBuilder ddl = new StringBuilder("CREATE TABLE " + target + " (");
            List<String> defs = new ArrayList<>();
            plan.types().forEach((name, type) -> defs.add(Columns.quote(name) + " " + type.sql()));
            for (LoadSpec.Column declared : spec.columns()) {
                String name = Columns.normalize(declared.name(), 0);
                if (!plan.types().containsKey(name)) {
                    ColumnType type = declared.type() == null ? ColumnType.TEXT : ColumnType.parse(declared.type());
                    defs.add(Columns.quote(name) + " " + type.sql());
                }
            }
            ddl.append(String.join(", ", defs)).append(")");
            execute(c, ddl.toString());
            for (LoadSpec.Column declared : spec.columns()) {
                if (declared.description() != null) {
                    execute(c, "COMMENT ON COLUMN " + target + "." + Columns.quote(Columns.normalize(declared.name(),
                            0)) + " IS '" + declared.description().replace("'", "''") + "'");
                }
            }
            if (LoadMode.of(spec) == LoadMode.MERGE) {
                createMergeIndex(c, spec, target, table);
            }
            return tableColumns(c, schema, table);
        }
        List<String> added = plan.columns().stream().filter(name -> !existing.containsKey(name)).toList();
        if (!added.isEmpty()) {
            if (ContractMode.of(spec) != ContractMode.EVOLVE) {
                throw LoadException.input("the file has column(s) " + added + " that " + schema + "." + table
                        + " does not have; contract " + spec.contract() + " keeps the table's columns (use "
                        + "contract evolve to add them)");
            }
            for (String name : added) {
                execute(c, "ALTER TABLE " + target + " ADD COLUMN " + Columns.quote(name) + " "
                        + plan.types().get(name).sql());
                notes.add("column " + name + " added as " + plan.types().get(name).sql());
            }
        }
        for (String name : plan.columns()) {
            ColumnType had = existing.get(name);
            ColumnType now = plan.types().get(name);
            if (had != null && had != now && ColumnType.widen(had, now) != had) {
                notes.add("column " + name + " is " + had.sql() + " in the table but the file looks " + now.sql()
                        + "; the values are checked against " + had.sql() + " (a load never changes a column's type)");
            }
        }
        if (LoadMode.of(spec) == LoadMode.MERGE) {
            createMergeIndex(c, spec, target, table);
        }
        return added.isEmpty() ? existing : tableColumns(c, schema, table);
    }

    private void createMergeIndex(Connection c, LoadSpec spec, String target, String table) throws SQLException {
        String keys = String.join(", ", spec.mergeKey().stream().map(k -> Columns.quote(Columns.normalize(k, 0)))
                .toList());
        execute(c, "CREATE UNIQUE INDEX IF NOT EXISTS " + Columns.quote(truncate(table, 50) + "__merge_key") + " ON "
                + target + " (" + keys + ")");
    }

    private record Counts(long rows, long discarded) {
    }

    private Counts copy(Connection c, LoadSpec spec, LoadSpec.Format format, SpooledFile file, FilePlan plan,
            List<ColumnType> checks, String target, List<Quarantined> quarantine, long deadline)
            throws SQLException {
        List<String> columns = plan.columns();
        int width = columns.size();
        ColumnType[] types = checks.toArray(ColumnType[]::new);
        String sql = "COPY " + target + " (" + String.join(", ", columns.stream().map(Columns::quote).toList())
                + ") FROM STDIN";
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        long discarded = 0;
        long written = 0;
        try (RecordReader records = open(format, file, columns)) {
            CopyEncoder out = new CopyEncoder(copy);
            ContractMode contract = ContractMode.of(spec);
            long n = 0;
            while (records.next()) {
                if ((++n & 8191) == 0 && System.nanoTime() > deadline) {
                    throw LoadException.input("the load took longer than its limit of " + settings.timeout()
                            + " (strata.ingest.timeout); nothing was loaded");
                }
                String problem = records.problem();
                String column = null;
                String value = null;
                if (problem == null && records.size() != width) {
                    problem = "has " + records.size() + " fields, the header has " + width;
                }
                if (problem == null) {
                    for (int i = 0; i < width; i++) {
                        ColumnType type = types[i];
                        if (type != ColumnType.TEXT) {
                            String v = records.get(i);
                            if (v != null && !type.accepts(v)) {
                                column = columns.get(i);
                                value = v;
                                problem = "is not a valid " + type.sql();
                                break;
                            }
                        }
                    }
                }
                if (problem != null) {
                    switch (contract) {
                        case EVOLVE, FREEZE -> throw LoadException.input(describe(file, records.line(), column, value,
                                problem) + "; contract " + spec.contract() + " fails the load on a row that does "
                                + "not fit (nothing was loaded)");
                        case DISCARD_ROW -> discarded++;
                        case QUARANTINE -> {
                            if (quarantine.size() >= settings.maxQuarantineRows()) {
                                throw LoadException.input(file.name() + ": more than " + settings.maxQuarantineRows()
                                        + " rows do not fit (strata.ingest.max-quarantine-rows); the last at "
                                        + describe(file, records.line(), column, value, problem));
                            }
                            quarantine.add(new Quarantined(file.name(), records.line(), column, value,
                                    column == null ? "row " + problem : "value " + problem, record(records, columns)));
                        }
                        default -> throw new IllegalStateException(contract.name());
                    }
                    continue;
                }
                for (int i = 0; i < width; i++) {
                    out.field(records.get(i));
                }
                out.endRow();
                written++;
            }
            out.flush();
            long copied = copy.endCopy();
            return new Counts(copied == written ? copied : written, discarded);
        } catch (SQLException e) {
            throw fromSql(e, file);
        } catch (UncheckedIOException e) {
            throw LoadException.unavailable("reading " + file.name() + " failed: " + e.getMessage(), e);
        } finally {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException ignored) {
                    // the transaction is rolled back anyway
                }
            }
        }
    }

    private void merge(Connection c, LoadSpec spec, String target, Map<String, ColumnType> columns)
            throws SQLException {
        List<String> keys = spec.mergeKey().stream().map(k -> Columns.normalize(k, 0)).toList();
        for (String key : keys) {
            if (!columns.containsKey(key)) {
                throw LoadException.input("mergeKey column " + key + " is not a column of the table");
            }
        }
        String keyList = String.join(", ", keys.stream().map(Columns::quote).toList());
        String all = String.join(", ", columns.keySet().stream().map(Columns::quote).toList());
        String updates = String.join(", ", columns.keySet().stream().filter(col -> !keys.contains(col))
                .map(col -> Columns.quote(col) + " = EXCLUDED." + Columns.quote(col)).toList());
        // the last row of a key in the file wins
        execute(c, "INSERT INTO " + target + " (" + all + ") SELECT " + all + " FROM (SELECT DISTINCT ON (" + keyList
                + ") * FROM pg_temp.strata_load ORDER BY " + keyList + ", ctid DESC) latest ON CONFLICT (" + keyList
                + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates));
        execute(c, "DROP TABLE pg_temp.strata_load");
    }

    private record Quarantined(String file, long line, String column, String value, String reason, String record) {
    }

    private void writeQuarantine(Connection c, LoadSpec spec, UUID loadId, List<Quarantined> rows)
            throws SQLException {
        String target = Columns.quote(Namespaces.schema(spec.namespace(), QUARANTINE)) + "."
                + Columns.quote(tableName(spec));
        execute(c, "CREATE TABLE IF NOT EXISTS " + target + " (load_id uuid NOT NULL, file text NOT NULL, "
                + "line bigint NOT NULL, column_name text, value text, reason text NOT NULL, record jsonb, "
                + "quarantined_at timestamptz NOT NULL DEFAULT now())");
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + target
                + " (load_id, file, line, column_name, value, reason, record) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)")) {
            int batch = 0;
            for (Quarantined row : rows) {
                insert.setObject(1, loadId);
                insert.setString(2, row.file());
                insert.setLong(3, row.line());
                insert.setString(4, row.column());
                insert.setString(5, row.value());
                insert.setString(6, row.reason());
                insert.setString(7, row.record());
                insert.addBatch();
                if (++batch % 1000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    private String record(RecordReader records, List<String> columns) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            fields.put(i < columns.size() ? columns.get(i) : "extra_" + (i + 1), records.get(i));
        }
        try {
            return json.writeValueAsString(fields).replace("\\u0000", "");
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private RecordReader open(LoadSpec.Format format, SpooledFile file, List<String> columns) {
        if (format.isJson()) {
            return new JsonRecords(file.path(), file.name(), format, columns, settings.maxLineLength(),
                    settings.decompression());
        }
        return new CsvRecords(file.path(), file.name(), format, settings.maxLineLength(), settings.decompression());
    }

    /**
     * Copies the spooled file to the lake. Up to 5 GiB (S3's limit for one PUT) it is one PUT streamed from the file,
     * its payload not signed ({@code UNSIGNED-PAYLOAD}, what S3 SDKs send over HTTPS) but carrying a CRC32C checksum:
     * a signed payload makes S3-compatible servers such as S3Proxy hold and hash the whole body before storing it,
     * which took 2.3 s for 112 MB against 0.9 s unsigned. Bigger files go in signed 8 MiB parts.
     */
    private void upload(SpooledFile file, String key) {
        try {
            if (file.bytes() <= SINGLE_PUT_MAX_BYTES) {
                s3.uploadObject(UploadObjectArgs.builder().bucket(settings.lakeBucket()).object(key)
                        .filename(file.path().toString(), SINGLE_PUT_MAX_BYTES)
                        .headers(Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD"))
                        .contentType("application/octet-stream").build());
                return;
            }
            try (InputStream in = Files.newInputStream(file.path())) {
                s3.putObject(PutObjectArgs.builder().bucket(settings.lakeBucket()).object(key)
                        .stream(in, file.bytes(), 8L << 20).contentType("application/octet-stream").build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("s3://" + settings.lakeBucket() + "/" + key + ": " + e.getMessage(), e);
        }
    }

    private void awaitRawCopies(List<CompletableFuture<Void>> copies, long deadline) {
        try {
            CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).get(Math.max(1,
                    remainingMillis(deadline)), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw LoadException.unavailable("the raw copy to the lake failed: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw LoadException.input("the raw copy to the lake did not finish within the load's limit of "
                    + settings.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LoadException.unavailable("interrupted", e);
        }
    }

    private LoadResult ledger(LoadSpec spec, UUID loadId) {
        try (Connection c = open(spec)) {
            return ledger(c, loadId);
        } catch (SQLException e) {
            throw fromSql(e);
        }
    }

    private LoadResult ledger(Connection c, UUID loadId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT result::text FROM strata_ingest.load_ledger WHERE load_id = ?")) {
            select.setObject(1, loadId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                LoadResult stored = json.readValue(rs.getString(1), LoadResult.class);
                return new LoadResult(stored.rows(), stored.bytes(), stored.quarantined(), stored.discarded(),
                        stored.tableRows(), stored.columns(), stored.rawLocation(), stored.table(), true,
                        stored.notes());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable ledger entry of load " + loadId, e);
            }
        }
    }

    private String cursor(LoadSpec spec) {
        try (Connection c = open(spec)) {
            return cursor(c, spec);
        } catch (SQLException e) {
            throw fromSql(e);
        }
    }

    private String cursor(Connection c, LoadSpec spec) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT cursor_value FROM strata_ingest.cursor_state WHERE namespace = ? AND name = ?")) {
            select.setString(1, spec.namespace());
            select.setString(2, spec.name());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static Map<String, ColumnType> tableColumns(Connection c, String schema, String table) throws SQLException {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement("""
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position
                """)) {
            select.setString(1, schema);
            select.setString(2, table);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ColumnType type = ColumnType.parse(rs.getString(2));
                    columns.put(rs.getString(1), type == null ? ColumnType.TEXT : type);
                }
            }
        }
        return columns;
    }

    private static String describe(SpooledFile file, long line, String column, String value, String problem) {
        StringBuilder s = new StringBuilder(file.name()).append(": line ").append(line);
        if (column != null) {
            s.append(", column ").append(column).append(", value '").append(truncate(value, VALUE_IN_MESSAGE))
                    .append("' ").append(problem);
        } else {
            s.append(": the row ").append(problem);
        }
        return s.toString();
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "…";
    }

    private static LoadException fromSql(SQLException e) {
        return fromSql(e, null);
    }

    private static LoadException fromSql(SQLException e, SpooledFile file) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "failed" : e.getMessage().lines().findFirst().orElse("failed");
        if (state.equals("57014")) {
            return LoadException.input("the load took longer than its limit (strata.ingest.timeout); nothing was "
                    + "loaded");
        }
        if (state.equals("42501")) {
            return LoadException.input("the warehouse refused the load: " + message + " (a load may only write its "
                    + "namespace's own schemas); nothing was loaded");
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            return LoadException.input((file == null ? "" : file.name() + ": ") + "the warehouse refused the data: "
                    + message + " (the line is counted in loaded rows, not in the file); nothing was loaded");
        }
        LOG.warnf("warehouse error %s: %s", state, message);
        return LoadException.unavailable("the warehouse failed: " + message, e);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed next, which rolls back too
        }
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("cannot delete the spool directory %s: %s", dir, e.getMessage());
        }
    }

    @Override
    public void close() {
        uploads.shutdownNow();
    }
}
