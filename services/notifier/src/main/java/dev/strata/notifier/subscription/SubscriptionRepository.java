package dev.strata.notifier.subscription;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class SubscriptionRepository {

    private final Db db;

    SubscriptionRepository(Db db) {
        this.db = db;
    }

    public List<Subscription> list(String[] namespaces, UUID channelId) {
        String where = namespaces == null ? "TRUE" : "namespace = ANY(?)";
        Object[] params = namespaces == null ? new Object[0] : new Object[]{namespaces};
        if (channelId != null) {
            where += " AND channel_id = ?";
            params = append(params, channelId);
        }
        return db.list("SELECT * FROM subscription WHERE " + where + " ORDER BY namespace, created_at",
                SubscriptionRepository::map, params);
    }

    public Optional<Subscription> find(UUID id) {
        return db.one("SELECT * FROM subscription WHERE id = ?", SubscriptionRepository::map, id);
    }

    public void insert(Subscription s) {
        db.update("INSERT INTO subscription (id, namespace, channel_id, event_types, pipeline_id, dataset, enabled, "
                + "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", s.id(), s.namespace(), s.channelId(),
                s.eventTypes().toArray(String[]::new), s.pipelineId(), s.dataset(), s.enabled(), s.createdBy());
    }

    public void update(Subscription s) {
        db.update("UPDATE subscription SET channel_id = ?, event_types = ?, pipeline_id = ?, dataset = ?, enabled = ? "
                + "WHERE id = ?", s.channelId(), s.eventTypes().toArray(String[]::new), s.pipelineId(), s.dataset(),
                s.enabled(), s.id());
    }

    public void delete(UUID id) {
        db.update("DELETE FROM subscription WHERE id = ?", id);
    }

    /** The enabled subscriptions an event matches, in the caller's transaction. */
    public static List<Subscription> matching(Connection tx, String namespace, String eventType, String pipelineId,
            String dataset) throws SQLException {
        return Db.list(tx, "SELECT * FROM subscription WHERE enabled AND namespace = ? AND ? = ANY(event_types) "
                + "AND (pipeline_id IS NULL OR pipeline_id = ?) AND (dataset IS NULL OR dataset = ?)",
                SubscriptionRepository::map, namespace, eventType, pipelineId, dataset);
    }

    static Subscription map(ResultSet rs) throws SQLException {
        Array types = rs.getArray("event_types");
        return new Subscription(Db.uuid(rs, "id"), rs.getString("namespace"), Db.uuid(rs, "channel_id"),
                List.of((String[]) types.getArray()), rs.getString("pipeline_id"), rs.getString("dataset"),
                rs.getBoolean("enabled"), rs.getString("created_by"), Db.instant(rs, "created_at"));
    }

    private static Object[] append(Object[] params, Object value) {
        Object[] out = java.util.Arrays.copyOf(params, params.length + 1);
        out[params.length] = value;
        return out;
    }
}
