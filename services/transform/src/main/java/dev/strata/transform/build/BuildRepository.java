package dev.strata.transform.build;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;

import dev.strata.outbox.Tracing;
import dev.strata.transform.run.NodeResult;

/** Builds and their steps in the service's schema. */
@ApplicationScoped
public class BuildRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, namespace, project, version_id, selector, exclude, vars::text,"
            + " full_refresh, status, error, task_run_id, run_id, attempt, requested_by, created_at, started_at,"
            + " finished_at";
    /** A running build's lease ran out (rows from before leases count from their start). */
    private static final String LEASE_EXPIRED = "coalesce(heartbeat_at, started_at, created_at) < now() -"
            + " make_interval(secs => ?)";

    private final AgroalDataSource db;

    BuildRepository(AgroalDataSource db) {
        this.db = db;
    }

    public void insert(Connection c, Build b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into build (id, namespace, project, version_id,"
                + " selector, exclude, vars, full_refresh, status, task_run_id, run_id, attempt, requested_by,"
                + " traceparent) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'queued', ?, ?, ?, ?, ?)")) {
            ps.setObject(1, b.id());
            ps.setString(2, b.namespace());
            ps.setString(3, b.project());
            ps.setObject(4, b.versionId());
            ps.setString(5, b.selector());
            ps.setString(6, b.exclude());
            ps.setString(7, json(b.vars()));
            ps.setBoolean(8, b.fullRefresh());
            ps.setObject(9, b.taskRunId());
            ps.setObject(10, b.runId());
            ps.setObject(11, b.attempt());
            ps.setString(12, b.requestedBy());
            ps.setString(13, Tracing.currentTraceparent());
            ps.executeUpdate();
        }
    }

    /** Running builds whose lease ran out {@code maxClaims} times: ended in error (in the caller's transaction). */
    public List<Build> giveUpLost(Connection c, Duration lease, int maxClaims) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update build set status = 'error', error = 'its worker"
                + " stopped ' || claims || ' times without finishing it (last: ' || coalesce(claimed_by, 'unknown')"
                + " || '); given up', finished_at = now() where status = 'running' and " + LEASE_EXPIRED
                + " and claims >= ? returning " + COLUMNS)) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setInt(2, maxClaims);
            List<Build> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs, List.of()));
                }
            }
            return out;
        }
    }

    /** A claimed build and the trace context of the request that queued it (null: none). */
    public record Claimed(Build build, String traceparent) {
    }

    /**
     * Claims the oldest build that is queued, or running with an expired lease (its worker stopped heartbeating), for
     * {@code worker}; or nothing. A re-claimed build starts over: the steps of the lost attempt are removed.
     */
    public Optional<Claimed> claim(String worker, Duration lease) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                UUID id;
                try (PreparedStatement ps = c.prepareStatement("select id, status from build where status = 'queued'"
                        + " or (status = 'running' and " + LEASE_EXPIRED + ") order by created_at limit 1 for update"
                        + " skip locked")) {
                    ps.setDouble(1, lease.toMillis() / 1000.0);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.commit();
                            return Optional.empty();
                        }
                        id = rs.getObject(1, UUID.class);
                        if (rs.getString(2).equals("running")) {
                            try (PreparedStatement del = c.prepareStatement("delete from node_run where build_id"
                                    + " = ?")) {
                                del.setObject(1, id);
                                del.executeUpdate();
                            }
                        }
                    }
                }
                Claimed claimed;
                try (PreparedStatement ps = c.prepareStatement("update build set status = 'running', started_at ="
                        + " now(), heartbeat_at = now(), claimed_by = ?, claims = claims + 1 where id = ? returning "
                        + COLUMNS + ", traceparent")) {
                    ps.setString(1, worker);
                    ps.setObject(2, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        claimed = new Claimed(read(rs, List.of()), rs.getString("traceparent"));
                    }
                }
                c.commit();
                return Optional.of(claimed);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("builds cannot be claimed: " + e.getMessage(), e);
        }
    }

    /** Renews the leases of the builds this worker runs. */
    public void heartbeat(String worker, Collection<UUID> running) {
        if (running.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("update build set heartbeat_at = now() where id = any(?)"
                        + " and status = 'running' and claimed_by = ?")) {
            ps.setArray(1, c.createArrayOf("uuid", running.toArray()));
            ps.setString(2, worker);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("build leases cannot be renewed: " + e.getMessage(), e);
        }
    }

    public void addNode(UUID build, NodeResult r) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into node_run"
                        + " (build_id, node, kind, status, relation, materialized, rows, duration_ms, compiled_sql, error,"
                        + " started_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, build);
            ps.setString(2, r.node());
            ps.setString(3, r.kind());
            ps.setString(4, r.status());
            ps.setString(5, r.relation());
            ps.setString(6, r.materialized());
            ps.setObject(7, r.rows());
            ps.setLong(8, r.durationMs());
            ps.setString(9, r.sql());
            ps.setString(10, r.error());
            ps.setTimestamp(11, Timestamp.from(r.startedAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("a step of build " + build + " cannot be recorded: " + e.getMessage(), e);
        }
    }

    public void finish(Connection c, UUID build, String status, String error) throws SQLException {
        // only a running build: one whose lease ran out and that was given up keeps its error
        try (PreparedStatement ps = c.prepareStatement("update build set status = ?, error = ?, finished_at = now()"
                + " where id = ? and status = 'running'")) {
            ps.setString(1, status);
            ps.setString(2, error);
            ps.setObject(3, build);
            ps.executeUpdate();
        }
    }

    /** A build's artifacts (file name → JSON), in the caller's transaction. */
    public void saveArtifacts(Connection c, UUID build, Map<String, String> artifacts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into build_artifact (build_id, name, content) values"
                + " (?, ?, ?) on conflict (build_id, name) do update set content = excluded.content")) {
            for (Map.Entry<String, String> a : artifacts.entrySet()) {
                ps.setObject(1, build);
                ps.setString(2, a.getKey());
                ps.setString(3, a.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** One artifact of a build, if it has it. */
    public Optional<String> artifact(UUID build, String name) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select content from build_artifact where build_id = ? and"
                        + " name = ?")) {
            ps.setObject(1, build);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("artifact " + name + " of build " + build + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    public Optional<Build> find(UUID id) {
        try (Connection c = db.getConnection()) {
            List<Build.NodeRun> nodes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select node, kind, status, relation, materialized, rows,"
                    + " duration_ms, compiled_sql, error, started_at from node_run where build_id = ? order by seq")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        nodes.add(new Build.NodeRun(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), (Long) rs.getObject(6), rs.getLong(7),
                                rs.getString(8), rs.getString(9), rs.getTimestamp(10).toInstant()));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from build where id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs, nodes)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("build " + id + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Newest first, in the namespaces given ({@code null}: all), without steps. */
    public List<Build> list(Set<String> namespaces, int limit) {
        String sql = "select " + COLUMNS + " from build" + (namespaces == null ? "" : " where namespace = any(?)")
                + " order by created_at desc limit " + limit;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (namespaces != null) {
                ps.setArray(1, c.createArrayOf("text", namespaces.toArray()));
            }
            List<Build> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs, null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("builds cannot be listed: " + e.getMessage(), e);
        }
    }

    private static Build read(ResultSet rs, List<Build.NodeRun> nodes) throws SQLException {
        Map<String, Object> vars;
        try {
            vars = JSON.readValue(rs.getString(7), new TypeReference<Map<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            vars = Map.of();
        }
        return new Build(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                rs.getString(5), rs.getString(6), vars, rs.getBoolean(8), rs.getString(9), rs.getString(10),
                rs.getObject(11, UUID.class), rs.getObject(12, UUID.class), rs.getObject(13, Integer.class),
                rs.getString(14), instant(rs, 15), instant(rs, 16), instant(rs, 17), nodes);
    }

    private static Instant instant(ResultSet rs, int i) throws SQLException {
        Timestamp ts = rs.getTimestamp(i);
        return ts == null ? null : ts.toInstant();
    }

    private static String json(Map<String, Object> vars) {
        try {
            return JSON.writeValueAsString(vars == null ? Map.of() : vars);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("vars cannot be written as JSON", e);
        }
    }
}
