package dev.strata.notifier.delivery;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.strata.notifier.channel.ChannelRepository;
import dev.strata.web.db.Db;

@ApplicationScoped
public class DeliveryRepository {

    private static final String SELECT = "SELECT d.*, c.type AS channel_type FROM delivery d "
            + "JOIN channel c ON c.id = d.channel_id ";

    /**
     * Claims due deliveries: locks them (others skip them), counts the attempt and pushes the next attempt past the
     * lease, so a sender that dies before recording the outcome leaves them due again when the lease ends. Reads only
     * due rows through the partial index {@code delivery_due_idx}.
     */
    private static final String CLAIM = """
            WITH due AS (
                SELECT id FROM delivery
                WHERE status = 'pending' AND next_attempt_at <= now()
                ORDER BY next_attempt_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED)
            UPDATE delivery d
               SET attempts = d.attempts + 1,
                   next_attempt_at = now() + make_interval(secs => ?),
                   updated_at = now()
              FROM due, channel c
             WHERE d.id = due.id AND c.id = d.channel_id
            RETURNING d.id, d.event_id, d.attempts, d.max_attempts, d.notification, c.type, c.settings, c.namespace
            """;

    private final Db db;

    DeliveryRepository(Db db) {
        this.db = db;
    }

    /** A claimed delivery: what the sender needs. */
    public record Claimed(UUID id, UUID eventId, int attempt, int maxAttempts, JsonNode notification,
            String channelType, JsonNode settings, String namespace) {
    }

    /** Inserts a delivery unless this event already has one for this subscription; in the caller's transaction. */
    public static boolean enqueue(Connection tx, UUID eventId, UUID subscriptionId, UUID channelId, String namespace,
            String eventType, String notification, int maxAttempts) throws SQLException {
        return Db.update(tx, "INSERT INTO delivery (id, event_id, subscription_id, channel_id, namespace, event_type, "
                + "notification, max_attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, now()) "
                + "ON CONFLICT (event_id, subscription_id) DO NOTHING", UUID.randomUUID(), eventId, subscriptionId,
                channelId, namespace, eventType, new Db.Json(notification), maxAttempts) == 1;
    }

    /** A delivery a pipeline asked for by channel name: no subscription, once per (event, channel). */
    public static boolean enqueueDirect(Connection tx, UUID eventId, UUID channelId, String namespace,
            String eventType, String notification, int maxAttempts) throws SQLException {
        return Db.update(tx, "INSERT INTO delivery (id, event_id, subscription_id, channel_id, namespace, event_type, "
                + "notification, max_attempts, next_attempt_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, now()) "
                + "ON CONFLICT (event_id, channel_id) WHERE subscription_id IS NULL DO NOTHING", UUID.randomUUID(),
                eventId, channelId, namespace, eventType, new Db.Json(notification), maxAttempts) == 1;
    }

    public List<Claimed> claim(int limit, Duration lease) {
        return db.inTransaction(tx -> Db.list(tx, CLAIM, rs -> new Claimed(Db.uuid(rs, "id"),
                Db.uuid(rs, "event_id"), rs.getInt("attempts"), rs.getInt("max_attempts"),
                ChannelRepository.json(rs.getString("notification")), rs.getString("type"),
                ChannelRepository.json(rs.getString("settings")), rs.getString("namespace")), limit,
                lease.toMillis() / 1000.0));
    }

    /** When the next pending delivery is due, if any. */
    public Optional<Instant> nextDue() {
        return db.one("SELECT min(next_attempt_at) AS next FROM delivery WHERE status = 'pending'",
                rs -> Db.instant(rs, "next"));
    }

    public void delivered(UUID id, int attempt, Integer responseCode) {
        db.update("UPDATE delivery SET status = 'delivered', response_code = ?, last_error = NULL, "
                + "next_attempt_at = NULL, delivered_at = now(), updated_at = now() "
                + "WHERE id = ? AND attempts = ? AND status = 'pending'", responseCode, id, attempt);
    }

    /** Records a failed attempt: a retry at {@code retryAt}, or the dead-letter state when it was the last one. */
    public void failed(UUID id, int attempt, Integer responseCode, String error, Instant retryAt) {
        if (retryAt == null) {
            db.update("UPDATE delivery SET status = 'dead_lettered', response_code = ?, last_error = ?, "
                    + "next_attempt_at = NULL, updated_at = now() WHERE id = ? AND attempts = ? AND status = 'pending'",
                    responseCode, error, id, attempt);
        } else {
            db.update("UPDATE delivery SET response_code = ?, last_error = ?, next_attempt_at = ?, updated_at = now() "
                    + "WHERE id = ? AND attempts = ? AND status = 'pending'", responseCode, error, retryAt, id,
                    attempt);
        }
    }

    /** Back to pending with {@code extraAttempts} more attempts; only from the dead-letter state. */
    public boolean redeliver(UUID id, int extraAttempts) {
        return db
                .update("UPDATE delivery SET status = 'pending', max_attempts = attempts + ?, next_attempt_at = now(), "
                        + "updated_at = now() WHERE id = ? AND status = 'dead_lettered'", extraAttempts, id) == 1;
    }

    public Optional<Delivery> find(UUID id) {
        return db.one(SELECT + "WHERE d.id = ?", DeliveryRepository::map, id);
    }

    /** Newest first; each filter is optional; {@code namespaces} null means every namespace. */
    public List<Delivery> list(String[] namespaces, String status, UUID channelId, UUID eventId, int limit) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (namespaces != null) {
            where.add("d.namespace = ANY(?)");
            params.add(namespaces);
        }
        if (status != null) {
            where.add("d.status = ?");
            params.add(status);
        }
        if (channelId != null) {
            where.add("d.channel_id = ?");
            params.add(channelId);
        }
        if (eventId != null) {
            where.add("d.event_id = ?");
            params.add(eventId);
        }
        params.add(limit);
        return db.list(SELECT + (where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where))
                + " ORDER BY d.created_at DESC, d.id LIMIT ?", DeliveryRepository::map, params.toArray());
    }

    public long deadLettered() {
        return db.one("SELECT count(*) FROM delivery WHERE status = 'dead_lettered'", rs -> rs.getLong(1)).orElse(0L);
    }

    static Delivery map(ResultSet rs) throws SQLException {
        return new Delivery(Db.uuid(rs, "id"), Db.uuid(rs, "event_id"), Db.uuid(rs, "subscription_id"),
                Db.uuid(rs, "channel_id"), rs.getString("channel_type"), rs.getString("namespace"),
                rs.getString("event_type"), rs.getString("status"), rs.getInt("attempts"), rs.getInt("max_attempts"),
                Db.instant(rs, "next_attempt_at"), Db.integer(rs, "response_code"), rs.getString("last_error"),
                Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"), Db.instant(rs, "delivered_at"),
                ChannelRepository.json(rs.getString("notification")));
    }
}
