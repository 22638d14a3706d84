package dev.strata.auth.secret;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class SecretRepository {

    private final Db db;

    SecretRepository(Db db) {
        this.db = db;
    }

    public List<SecretView> list(String namespace) {
        return db.list("SELECT * FROM namespace_secret WHERE namespace = ? ORDER BY name", SecretRepository::view,
                namespace);
    }

    public Optional<SecretView> find(String namespace, String name) {
        return db.one("SELECT * FROM namespace_secret WHERE namespace = ? AND name = ?", SecretRepository::view,
                namespace, name);
    }

    public Optional<SecretBox.Sealed> sealed(String namespace, String name) {
        return db.one("SELECT key_id, wrapped_key, sealed FROM namespace_secret WHERE namespace = ? AND name = ?",
                rs -> new SecretBox.Sealed(rs.getString("key_id"), rs.getBytes("wrapped_key"), rs.getBytes("sealed")),
                namespace, name);
    }

    /** Every stored secret's namespace, name and key id (for re-wrapping after a master-key rotation). */
    public List<String[]> keys() {
        return db.list("SELECT namespace, name, key_id FROM namespace_secret ORDER BY namespace, name",
                rs -> new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
    }

    public long count(String namespace) {
        return db.count("SELECT count(*) FROM namespace_secret WHERE namespace = ?", namespace);
    }

    /** Inserts or replaces the value; answers whether it was created. */
    public boolean upsert(String namespace, String name, SecretBox.Sealed sealed, String actor) {
        return db.one("INSERT INTO namespace_secret (namespace, name, key_id, wrapped_key, sealed, created_by, "
                + "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE SET "
                + "key_id = EXCLUDED.key_id, wrapped_key = EXCLUDED.wrapped_key, sealed = EXCLUDED.sealed, "
                + "updated_at = now(), updated_by = EXCLUDED.updated_by RETURNING (xmax = 0) AS created",
                rs -> rs.getBoolean("created"), namespace, name, sealed.keyId(), sealed.wrappedKey(),
                sealed.sealed(), actor, actor).orElseThrow();
    }

    /** Re-wraps a value without changing who wrote it last. */
    public void rewrap(String namespace, String name, SecretBox.Sealed sealed) {
        db.update(
                "UPDATE namespace_secret SET key_id = ?, wrapped_key = ?, sealed = ? WHERE namespace = ? AND name = ?",
                sealed.keyId(), sealed.wrappedKey(), sealed.sealed(), namespace, name);
    }

    public boolean delete(String namespace, String name) {
        return db.update("DELETE FROM namespace_secret WHERE namespace = ? AND name = ?", namespace, name) > 0;
    }

    private static SecretView view(ResultSet rs) throws SQLException {
        return new SecretView(rs.getString("namespace"), rs.getString("name"), Db.instant(rs, "created_at"),
                rs.getString("created_by"), Db.instant(rs, "updated_at"), rs.getString("updated_by"));
    }
}
