package dev.strata.transform.version;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;

/** Project versions in the service's schema. */
@ApplicationScoped
public class ProjectVersionRepository {

    private static final String COLUMNS = "id, namespace, project, version, s3_key, sha256, models, tests, manifest,"
            + " uploaded_by, uploaded_at";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgroalDataSource db;

    ProjectVersionRepository(AgroalDataSource db) {
        this.db = db;
    }

    /** The next version number of a project (locks the project's rows in the caller's transaction). */
    public int nextVersion(Connection c, String namespace, String project) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(hashtext(? || '/' || ?))")) {
            lock.setString(1, namespace);
            lock.setString(2, project);
            lock.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("select coalesce(max(version), 0) + 1 from project_version"
                + " where namespace = ? and project = ?")) {
            ps.setString(1, namespace);
            ps.setString(2, project);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public void insert(Connection c, ProjectVersion v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into project_version (" + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")) {
            ps.setObject(1, v.id());
            ps.setString(2, v.namespace());
            ps.setString(3, v.project());
            ps.setInt(4, v.version());
            ps.setString(5, v.s3Key());
            ps.setString(6, v.sha256());
            ps.setInt(7, v.models());
            ps.setInt(8, v.tests());
            ps.setString(9, v.manifest().toString());
            ps.setString(10, v.uploadedBy());
            ps.setObject(11, java.sql.Timestamp.from(v.uploadedAt()));
            ps.executeUpdate();
        }
    }

    public Optional<ProjectVersion> find(UUID id) {
        return one("select " + COLUMNS + " from project_version where id = ?", id);
    }

    public Optional<ProjectVersion> find(String namespace, String project, Integer version) {
        if (version == null) {
            return one("select " + COLUMNS + " from project_version where namespace = ? and project = ? order by"
                    + " version desc limit 1", namespace, project);
        }
        return one("select " + COLUMNS + " from project_version where namespace = ? and project = ? and version = ?",
                namespace, project, version);
    }

    public List<ProjectVersion> versions(String namespace, String project) {
        return list("select " + COLUMNS + " from project_version where namespace = ? and project = ? order by version"
                + " desc", namespace, project);
    }

    /** The newest version of every project in the namespaces given ({@code null}: all). */
    public List<ProjectVersion> latest(Set<String> namespaces) {
        String sql = "select distinct on (namespace, project) " + COLUMNS + " from project_version"
                + (namespaces == null ? "" : " where namespace = any(?)")
                + " order by namespace, project, version desc";
        return namespaces == null ? list(sql) : list(sql, (Object) namespaces.toArray(String[]::new));
    }

    private Optional<ProjectVersion> one(String sql, Object... args) {
        List<ProjectVersion> l = list(sql, args);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private List<ProjectVersion> list(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof String[] arr) {
                    ps.setArray(i + 1, c.createArrayOf("text", arr));
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            List<ProjectVersion> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ProjectVersion(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getInt(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getInt(8),
                            JSON.readTree(rs.getString(9)), rs.getString(10), rs.getTimestamp(11).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("project versions cannot be read: " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
