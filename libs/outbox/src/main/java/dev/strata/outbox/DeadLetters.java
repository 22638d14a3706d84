package dev.strata.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.strata.events.Topics;

/**
 * The dead letters of a service's consumers: a row in {@code dead_letter} (for the API) and the record itself, with
 * the reason in its headers, on {@value Topics#DEAD_LETTERS} through the outbox, both in one transaction. Recording the
 * same record again changes nothing.
 */
public final class DeadLetters implements EventConsumer.DeadLetterSink {

    /** Headers of a dead letter on the topic. */
    public static final String CONSUMER_HEADER = "strata_dead_letter_consumer";
    public static final String TOPIC_HEADER = "strata_dead_letter_topic";
    public static final String PARTITION_HEADER = "strata_dead_letter_partition";
    public static final String OFFSET_HEADER = "strata_dead_letter_offset";
    public static final String REASON_HEADER = "strata_dead_letter_reason";
    /** The type of a dead letter whose record had no {@code ce_type}. */
    public static final String UNKNOWN_TYPE = "dev.strata.unknown";

    static final String INSERT = """
            INSERT INTO dead_letter (consumer, topic, kafka_partition, record_offset, event_id, event_type, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """;

    /** One dead letter as the API shows it. */
    public record DeadLetter(String consumer, String topic, int partition, long offset, String eventId,
            String eventType, String reason, OffsetDateTime deadLetteredAt) {
    }

    private final DataSource dataSource;
    private final OutboxWriter outbox = new OutboxWriter();
    private final Runnable onRecorded;

    /** {@code onRecorded} runs after each new dead letter committed (wake the relay, count it). */
    public DeadLetters(DataSource dataSource, Runnable onRecorded) {
        this.dataSource = dataSource;
        this.onRecorded = onRecorded;
    }

    @Override
    public void deadLetter(String consumer, ConsumerRecord<String, byte[]> record, String reason)
            throws SQLException {
        String eventId = header(record, OutboxMessage.ID_HEADER);
        String type = header(record, OutboxMessage.TYPE_HEADER);
        boolean inserted;
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            try (PreparedStatement insert = tx.prepareStatement(INSERT)) {
                insert.setString(1, consumer);
                insert.setString(2, record.topic());
                insert.setInt(3, record.partition());
                insert.setLong(4, record.offset());
                insert.setString(5, eventId);
                insert.setString(6, type);
                insert.setString(7, reason);
                inserted = insert.executeUpdate() == 1;
                if (inserted) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (Header h : record.headers()) {
                        if (!h.key().equals(OutboxMessage.ID_HEADER) && !h.key().equals(OutboxMessage.TYPE_HEADER)
                                && h.value() != null) {
                            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                        }
                    }
                    headers.put(CONSUMER_HEADER, consumer);
                    headers.put(TOPIC_HEADER, record.topic());
                    headers.put(PARTITION_HEADER, Integer.toString(record.partition()));
                    headers.put(OFFSET_HEADER, Long.toString(record.offset()));
                    headers.put(REASON_HEADER, reason);
                    UUID id = UUID.nameUUIDFromBytes((consumer + "/" + record.topic() + "/" + record.partition() + "/"
                            + record.offset()).getBytes(StandardCharsets.UTF_8));
                    outbox.append(tx, new OutboxMessage(id, Topics.DEAD_LETTERS, record.key(),
                            type == null ? UNKNOWN_TYPE : type, record.value() == null ? new byte[0] : record.value(),
                            headers));
                }
                tx.commit();
            } catch (SQLException | RuntimeException e) {
                tx.rollback();
                throw e;
            }
        }
        if (inserted && onRecorded != null) {
            onRecorded.run();
        }
    }

    /** The latest dead letters, newest first. */
    public List<DeadLetter> latest(int limit) throws SQLException {
        List<DeadLetter> result = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("""
                        SELECT consumer, topic, kafka_partition, record_offset, event_id, event_type, reason,
                               dead_lettered_at
                        FROM dead_letter ORDER BY dead_lettered_at DESC, record_offset DESC LIMIT ?
                        """)) {
            select.setInt(1, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    result.add(new DeadLetter(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getObject(8, OffsetDateTime.class)));
                }
            }
        }
        return result;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
