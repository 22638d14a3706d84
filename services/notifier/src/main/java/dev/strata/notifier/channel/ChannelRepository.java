package dev.strata.notifier.channel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.web.db.Db;

@ApplicationScoped
public class ChannelRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Db db;

    ChannelRepository(Db db) {
        this.db = db;
    }

    /** Channels by namespace and name; with {@code namespaces}, only those. */
    public List<Channel> list(String[] namespaces) {
        if (namespaces == null) {
            return db.list("SELECT * FROM channel ORDER BY namespace, name", ChannelRepository::map);
        }
        return db.list("SELECT * FROM channel WHERE namespace = ANY(?) ORDER BY namespace, name",
                ChannelRepository::map, (Object) namespaces);
    }

    public Optional<Channel> find(UUID id) {
        return db.one("SELECT * FROM channel WHERE id = ?", ChannelRepository::map, id);
    }

    public void insert(Channel c) {
        db.update("INSERT INTO channel (id, namespace, name, type, settings, max_attempts, created_by) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", c.id(), c.namespace(), c.name(), c.type(),
                new Db.Json(c.settings().toString()), c.maxAttempts(), c.createdBy());
    }

    public void update(UUID id, String name, JsonNode settings, Integer maxAttempts) {
        db.update("UPDATE channel SET name = ?, settings = ?, max_attempts = ?, updated_at = now() WHERE id = ?", name,
                new Db.Json(settings.toString()), maxAttempts, id);
    }

    public void delete(UUID id) {
        db.update("DELETE FROM channel WHERE id = ?", id);
    }

    static Channel map(ResultSet rs) throws SQLException {
        return new Channel(Db.uuid(rs, "id"), rs.getString("namespace"), rs.getString("name"), rs.getString("type"),
                json(rs.getString("settings")), Db.integer(rs, "max_attempts"), rs.getString("created_by"),
                Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"));
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON column could not be read", e);
        }
    }
}
