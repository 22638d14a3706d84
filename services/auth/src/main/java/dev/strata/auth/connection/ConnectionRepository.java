package dev.strata.auth.connection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.web.db.Db;

@ApplicationScoped
public class ConnectionRepository {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Db db;
    private final ObjectMapper json;

    ConnectionRepository(Db db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    public List<ConnectionView> list(String namespace) {
        return db.list("SELECT * FROM namespace_connection WHERE namespace = ? ORDER BY name", this::view, namespace);
    }

    public Optional<ConnectionView> find(String namespace, String name) {
        return db.one("SELECT * FROM namespace_connection WHERE namespace = ? AND name = ?", this::view, namespace,
                name);
    }

    public long count(String namespace) {
        return db.count("SELECT count(*) FROM namespace_connection WHERE namespace = ?", namespace);
    }

    /** Inserts or replaces; answers whether it was created. */
    public boolean upsert(String namespace, String name, String kind, Map<String, Object> settings, String actor) {
        String body;
        try {
            body = json.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return db.one("INSERT INTO namespace_connection (namespace, name, kind, settings, created_by, updated_by) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE SET kind = EXCLUDED.kind, "
                + "settings = EXCLUDED.settings, updated_at = now(), updated_by = EXCLUDED.updated_by "
                + "RETURNING (xmax = 0) AS created", rs -> rs.getBoolean("created"), namespace, name, kind,
                Db.jsonb(body), actor, actor).orElseThrow();
    }

    public boolean delete(String namespace, String name) {
        return db.update("DELETE FROM namespace_connection WHERE namespace = ? AND name = ?", namespace, name) > 0;
    }

    /** The connections of a namespace that name a secret (in any secret field). */
    public List<String> usingSecret(String namespace, String secret) {
        return db.list("SELECT name FROM namespace_connection c WHERE namespace = ? AND EXISTS (SELECT 1 FROM "
                + "jsonb_each_text(c.settings) e WHERE e.key LIKE '%Secret' AND e.value = ?) ORDER BY name",
                rs -> rs.getString(1), namespace, secret);
    }

    private ConnectionView view(ResultSet rs) throws SQLException {
        Map<String, Object> settings;
        try {
            settings = json.readValue(rs.getString("settings"), MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable settings of connection " + rs.getString("name"), e);
        }
        return new ConnectionView(rs.getString("namespace"), rs.getString("name"), rs.getString("kind"), settings,
                Db.instant(rs, "created_at"), rs.getString("created_by"), Db.instant(rs, "updated_at"),
                rs.getString("updated_by"));
    }
}
