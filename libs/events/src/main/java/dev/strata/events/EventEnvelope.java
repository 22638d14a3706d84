package dev.strata.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A Strata event as it travels on Kafka: a CloudEvents 1.0 envelope in the
 * <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md">JSON event format</a>
 * (structured mode), with the event record as {@code data}.
 *
 * @param specversion     always {@value #SPEC_VERSION}
 * @param id              unique per event; consumers use it to drop duplicates
 * @param source          the producing service, e.g. {@code /strata/registry}
 * @param type            the event type, equal to {@code data.eventType()}, e.g. {@code dev.strata.dataset.updated.v1}
 * @param subject         what the event is about, e.g. {@code sales.orders}; also the Kafka key
 * @param time            when it happened, written as ISO-8601 UTC
 * @param datacontenttype always {@value #DATA_CONTENT_TYPE}
 * @param data            the event itself
 * @param <T>             the event record
 */
public record EventEnvelope<T extends StrataEvent>(String specversion, UUID id, String source, String type,
        String subject, Instant time, String datacontenttype, T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String DATA_CONTENT_TYPE = "application/json";

    public EventEnvelope {
        requireText(specversion, "specversion");
        Objects.requireNonNull(id, "id is required");
        requireText(source, "source");
        requireText(type, "type");
        requireText(subject, "subject");
        Objects.requireNonNull(time, "time is required");
        Objects.requireNonNull(data, "data is required");
        if (!type.equals(data.eventType())) {
            throw new IllegalArgumentException(
                    "type '" + type + "' does not match data " + data.getClass().getSimpleName() + " ('"
                            + data.eventType() + "')");
        }
    }

    /**
     * A new envelope for {@code data} with a random id, the current time and the type of the data.
     *
     * @param source  the producing service, e.g. {@code /strata/registry}
     * @param subject what the event is about, e.g. {@code sales.orders}; events with the same subject stay in order
     */
    public static <T extends StrataEvent> EventEnvelope<T> of(String source, String subject, T data) {
        Objects.requireNonNull(data, "data is required");
        return new EventEnvelope<>(SPEC_VERSION, UUID.randomUUID(), source, data.eventType(), subject, Instant.now(),
                DATA_CONTENT_TYPE, data);
    }

    /** The Kafka record key: the subject, so that events about the same thing land on one partition, in order. */
    @JsonIgnore
    public String partitionKey() {
        return subject;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
