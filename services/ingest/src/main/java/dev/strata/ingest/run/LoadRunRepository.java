package dev.strata.ingest.run;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.events.LoadSpec;
import dev.strata.ingest.load.LoadResult;
import dev.strata.outbox.Tracing;

/** The {@code load_run} table of the metadata database; each method works in the caller's connection. */
@ApplicationScoped
public class LoadRunRepository {

    private static final String COLUMNS = """
            id, namespace, dataset, status, task_run_id, run_id, attempt, rows_loaded, bytes_read, quarantined,
            discarded, duration_ms, error, retryable, raw_location, target_table, notes::text, requested_by,
            created_at, started_at, finished_at, spec::text
            """;

    @Inject
    ObjectMapper json;

    /** Inserts a queued load; false if the id exists already (a repeated request). */
    public boolean insert(Connection c, UUID id, LoadSpec spec, String requestedBy) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO load_run (id, namespace, dataset, spec, requested_by, traceparent)
                VALUES (?, ?, ?, ?::jsonb, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """)) {
            insert.setObject(1, id);
            insert.setString(2, spec.namespace());
            insert.setString(3, spec.name());
            insert.setString(4, write(spec));
            insert.setString(5, requestedBy);
            insert.setString(6, Tracing.currentTraceparent());
            return insert.executeUpdate() == 1;
        }
    }

    /**
     * Queues a task's load under its task run id. A later attempt of a failed task queues it again; anything else
     * about a known task run changes nothing (the same request delivered twice loads once).
     */
    public boolean insertTask(Connection c, UUID taskRunId, UUID runId, int attempt, String namespace, String dataset,
            String spec) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO load_run (id, namespace, dataset, spec, task_run_id, run_id, attempt, requested_by,
                    traceparent)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, 'scheduler', ?)
                ON CONFLICT (id) DO UPDATE SET status = 'queued', attempt = EXCLUDED.attempt, spec = EXCLUDED.spec,
                    traceparent = EXCLUDED.traceparent,
                    error = NULL, retryable = NULL, tries = 0, worker = NULL, lease_until = NULL, finished_at = NULL
                WHERE load_run.status = 'failed' AND load_run.attempt < EXCLUDED.attempt
                """)) {
            insert.setObject(1, taskRunId);
            insert.setString(2, namespace);
            insert.setString(3, dataset);
            insert.setString(4, spec);
            insert.setObject(5, taskRunId);
            insert.setObject(6, runId);
            insert.setInt(7, attempt);
            insert.setString(8, Tracing.currentTraceparent());
            return insert.executeUpdate() == 1;
        }
    }

    /** What a retried attempt adopted: the load's status and, when it succeeded, its result. */
    public record Adopted(String status, long rows, long bytes, long quarantined, long durationMs, String table,
            String rawLocation) {
    }

    /**
     * A later attempt of a task whose load has not failed (queued, running, or succeeded already): the load becomes
     * that attempt's instead of being dropped, so its outcome is reported for the attempt the scheduler waits for.
     * Empty when the load is of this attempt or a later one already (a redelivery) or does not exist.
     */
    public Optional<Adopted> adopt(Connection c, UUID id, int attempt) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("""
                UPDATE load_run SET attempt = ?
                WHERE id = ? AND attempt < ? AND status IN ('queued', 'running', 'succeeded')
                RETURNING status, coalesce(rows_loaded, 0), coalesce(bytes_read, 0), coalesce(quarantined, 0),
                    coalesce(duration_ms, 0), target_table, raw_location
                """)) {
            update.setInt(1, attempt);
            update.setObject(2, id);
            update.setInt(3, attempt);
            try (ResultSet rs = update.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Adopted(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getString(6), rs.getString(7)))
                        : Optional.empty();
            }
        }
    }

    /** The attempt a load is for now (a later attempt may have adopted it while it ran). */
    public int attempt(Connection c, UUID id, int otherwise) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT attempt FROM load_run WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getInt(1) : otherwise;
            }
        }
    }

    /** Records a task whose request was unusable as failed at once. */
    public void insertFailedTask(Connection c, UUID taskRunId, UUID runId, int attempt, String namespace,
            String dataset, String error) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO load_run (id, namespace, dataset, spec, task_run_id, run_id, attempt, requested_by,
                    status, error, retryable, finished_at)
                VALUES (?, ?, ?, '{}'::jsonb, ?, ?, ?, 'scheduler', 'failed', ?, false, now())
                ON CONFLICT (id) DO NOTHING
                """)) {
            insert.setObject(1, taskRunId);
            insert.setString(2, namespace);
            insert.setString(3, dataset);
            insert.setObject(4, taskRunId);
            insert.setObject(5, runId);
            insert.setInt(6, attempt);
            insert.setString(7, error);
            insert.executeUpdate();
        }
    }

    /** Claims the oldest queued load, or a running one whose worker stopped renewing its lease. */
    public Optional<Claimed> claim(Connection c, String worker, Duration lease) throws SQLException {
        try (PreparedStatement claim = c.prepareStatement("""
                UPDATE load_run SET status = 'running', worker = ?, lease_until = now() + ? * interval '1 millisecond',
                    tries = tries + 1, started_at = now()
                WHERE id = (SELECT id FROM load_run
                            WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
                            ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING id, namespace, dataset, spec::text, task_run_id, run_id, attempt, tries, traceparent,
                    requested_by
                """)) {
            claim.setString(1, worker);
            claim.setLong(2, lease.toMillis());
            try (ResultSet rs = claim.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Claimed(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getObject(5, UUID.class), rs.getObject(6, UUID.class), rs.getInt(7),
                        rs.getInt(8), rs.getString(9), rs.getString(10)));
            }
        }
    }

    /** Extends the lease of loads this worker runs. */
    public void renew(Connection c, String worker, List<UUID> ids, Duration lease) throws SQLException {
        try (PreparedStatement renew = c.prepareStatement("""
                UPDATE load_run SET lease_until = now() + ? * interval '1 millisecond'
                WHERE id = ANY(?) AND worker = ? AND status = 'running'
                """)) {
            renew.setLong(1, lease.toMillis());
            Array array = c.createArrayOf("uuid", ids.toArray());
            renew.setArray(2, array);
            renew.setString(3, worker);
            renew.executeUpdate();
        }
    }

    /** Marks the load succeeded if this worker still owns it. */
    public boolean succeeded(Connection c, UUID id, String worker, LoadResult result, long durationMs)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("""
                UPDATE load_run SET status = 'succeeded', rows_loaded = ?, bytes_read = ?, quarantined = ?,
                    discarded = ?, duration_ms = ?, raw_location = ?, target_table = ?, notes = ?::jsonb,
                    error = NULL, retryable = NULL, lease_until = NULL, finished_at = now()
                WHERE id = ? AND worker = ? AND status = 'running'
                """)) {
            update.setLong(1, result.rows());
            update.setLong(2, result.bytes());
            update.setLong(3, result.quarantined());
            update.setLong(4, result.discarded());
            update.setLong(5, durationMs);
            update.setString(6, result.rawLocation());
            update.setString(7, result.table());
            update.setString(8, write(result.notes()));
            update.setObject(9, id);
            update.setString(10, worker);
            return update.executeUpdate() == 1;
        }
    }

    /** Marks the load failed if this worker still owns it. */
    public boolean failed(Connection c, UUID id, String worker, String error, boolean retryable, long durationMs)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("""
                UPDATE load_run SET status = 'failed', error = ?, retryable = ?, duration_ms = ?, lease_until = NULL,
                    finished_at = now()
                WHERE id = ? AND worker = ? AND status = 'running'
                """)) {
            update.setString(1, error);
            update.setBoolean(2, retryable);
            update.setLong(3, durationMs);
            update.setObject(4, id);
            update.setString(5, worker);
            return update.executeUpdate() == 1;
        }
    }

    public Optional<LoadRun> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM load_run WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The newest loads, in the namespaces given (all when {@code namespaces} is null). */
    public List<LoadRun> list(Connection c, List<String> namespaces, String namespace, String dataset, int limit)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + """
                FROM load_run
                WHERE (?::text[] IS NULL OR namespace = ANY(?::text[]))
                  AND (?::text IS NULL OR namespace = ?) AND (?::text IS NULL OR dataset = ?)
                ORDER BY created_at DESC LIMIT ?
                """)) {
            Array scope = namespaces == null ? null : c.createArrayOf("text", namespaces.toArray());
            select.setArray(1, scope);
            select.setArray(2, scope);
            select.setString(3, namespace);
            select.setString(4, namespace);
            select.setString(5, dataset);
            select.setString(6, dataset);
            select.setInt(7, limit);
            List<LoadRun> runs = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    runs.add(read(rs));
                }
            }
            return runs;
        }
    }

    private LoadRun read(ResultSet rs) throws SQLException {
        String notes = rs.getString(17);
        String spec = rs.getString(22);
        try {
            return new LoadRun(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getObject(5, UUID.class), rs.getObject(6, UUID.class), rs.getInt(7), longOrNull(rs, 8),
                    longOrNull(rs, 9), longOrNull(rs, 10), longOrNull(rs, 11), longOrNull(rs, 12), rs.getString(13),
                    (Boolean) rs.getObject(14), rs.getString(15), rs.getString(16),
                    notes == null ? null : json.readValue(notes, new TypeReference<List<String>>() {
                    }), rs.getString(18), instant(rs.getTimestamp(19)), instant(rs.getTimestamp(20)),
                    instant(rs.getTimestamp(21)),
                    spec == null || spec.equals("{}") ? null : LoadSpec.readLenient(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable load_run row", e);
        }
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
