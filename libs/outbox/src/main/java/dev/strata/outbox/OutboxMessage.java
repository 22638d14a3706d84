package dev.strata.outbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;

/**
 * One event to publish, already serialized: what {@link OutboxWriter} stores and {@link OutboxRelay} sends.
 *
 * @param eventId unique per event; sent as the {@code ce_id} header, consumers drop duplicates by it
 * @param topic   the Kafka topic
 * @param key     the Kafka key; events with the same key are published in the order they were written. May be null
 *                (no order promised then)
 * @param type    the CloudEvents type, sent as the {@code ce_type} header
 * @param payload the Kafka record value, byte for byte
 * @param headers extra Kafka headers (UTF-8 values), such as {@code traceparent}; never {@code ce_id}/{@code ce_type}
 */
public record OutboxMessage(UUID eventId, String topic, String key, String type, byte[] payload,
        Map<String, String> headers) {

    /** Kafka header with the event id. */
    public static final String ID_HEADER = "ce_id";
    /** Kafka header with the event type. */
    public static final String TYPE_HEADER = "ce_type";
    /** Kafka header that tells a structured-mode CloudEvents value. */
    public static final String CONTENT_TYPE_HEADER = "content-type";
    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";

    public OutboxMessage {
        Objects.requireNonNull(eventId, "eventId is required");
        requireText(topic, "topic");
        requireText(type, "type");
        Objects.requireNonNull(payload, "payload is required");
        Map<String, String> copy = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> {
                requireText(name, "a header name");
                Objects.requireNonNull(value, "header " + name + " has no value");
                if (name.equals(ID_HEADER) || name.equals(TYPE_HEADER)) {
                    throw new IllegalArgumentException("header " + name + " is set by the relay from the "
                            + (name.equals(ID_HEADER) ? "eventId" : "type") + "; leave it out of the headers");
                }
                copy.put(name, value);
            });
        }
        headers = Collections.unmodifiableMap(copy);
    }

    /** A message without extra headers. */
    public OutboxMessage(UUID eventId, String topic, String key, String type, byte[] payload) {
        this(eventId, topic, key, type, payload, Map.of());
    }

    /**
     * A Strata event as structured-mode CloudEvents JSON, keyed by its subject, to the topic {@link Topics} assigns
     * to its type.
     */
    public static OutboxMessage of(EventEnvelope<?> envelope, EventCodec codec) {
        return of(Topics.forEvent(envelope.data()), envelope, codec);
    }

    /**
     * A Strata event as structured-mode CloudEvents JSON, keyed by its subject, to the given topic; it carries the
     * current trace context ({@link Tracing}) when there is one.
     */
    public static OutboxMessage of(String topic, EventEnvelope<?> envelope, EventCodec codec) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CONTENT_TYPE_HEADER, CLOUDEVENTS_JSON);
        headers.putAll(Tracing.currentHeaders());
        return new OutboxMessage(envelope.id(), topic, envelope.partitionKey(), envelope.type(),
                codec.encode(envelope), headers);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
