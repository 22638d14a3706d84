package dev.strata.registry.sql;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

/** Saved queries, charts and dashboards with their versions, in the registry schema (V4). */
@ApplicationScoped
public class SavedObjects {

    /** One version of a saved object: its content is the JSON the API takes. */
    public record Version(String namespace, String kind, String name, int version, String content, String createdBy,
            Instant createdAt) {
    }

    private static final String SELECT = "SELECT v.namespace, v.kind, v.name, v.version, v.content::text AS content, "
            + "v.created_by, v.created_at FROM sql_object_version v ";

    private final Db db;

    SavedObjects(Db db) {
        this.db = db;
    }

    public Optional<Version> latest(String namespace, String kind, String name) {
        return db.one(SELECT + "JOIN sql_object o ON o.namespace = v.namespace AND o.kind = v.kind AND o.name = v.name "
                + "AND o.latest_version = v.version WHERE v.namespace = ? AND v.kind = ? AND v.name = ?", this::map,
                namespace, kind, name);
    }

    public Optional<Version> version(String namespace, String kind, String name, int version) {
        return db.one(SELECT + "WHERE v.namespace = ? AND v.kind = ? AND v.name = ? AND v.version = ?", this::map,
                namespace, kind, name, version);
    }

    /** The latest version of each object of a kind, by name. */
    public List<Version> list(String namespace, String kind) {
        return db.list(SELECT + "JOIN sql_object o ON o.namespace = v.namespace AND o.kind = v.kind AND o.name = "
                + "v.name AND o.latest_version = v.version WHERE v.namespace = ? AND v.kind = ? ORDER BY v.name "
                + "LIMIT 1000", this::map, namespace, kind);
    }

    public List<Version> versions(String namespace, String kind, String name) {
        return db.list(SELECT + "WHERE v.namespace = ? AND v.kind = ? AND v.name = ? ORDER BY v.version DESC "
                + "LIMIT 1000", this::map, namespace, kind, name);
    }

    /** Adds version {@code version} (1 makes the object). */
    public void add(String namespace, String kind, String name, int version, String content, String by) {
        if (version == 1) {
            db.update(
                    "INSERT INTO sql_object (namespace, kind, name, latest_version, created_by) VALUES (?, ?, ?, 1, ?)",
                    namespace, kind, name, by);
        } else {
            db.update("UPDATE sql_object SET latest_version = ? WHERE namespace = ? AND kind = ? AND name = ?",
                    version, namespace, kind, name);
        }
        db.update("INSERT INTO sql_object_version (namespace, kind, name, version, content, created_by) "
                + "VALUES (?, ?, ?, ?, ?, ?)", namespace, kind, name, version, Db.jsonb(content), by);
    }

    public boolean delete(String namespace, String kind, String name) {
        return db.update("DELETE FROM sql_object WHERE namespace = ? AND kind = ? AND name = ?", namespace, kind,
                name) > 0;
    }

    /** Locks the object's row (or the absence of it, by an advisory lock) until the transaction ends. */
    public void lock(String namespace, String kind, String name) {
        db.one("SELECT pg_advisory_xact_lock(hashtext(?))", rs -> 1, namespace + "/" + kind + "/" + name);
    }

    private Version map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Version(rs.getString("namespace"), rs.getString("kind"), rs.getString("name"), rs.getInt("version"),
                rs.getString("content"), rs.getString("created_by"), Db.instant(rs, "created_at"));
    }
}
