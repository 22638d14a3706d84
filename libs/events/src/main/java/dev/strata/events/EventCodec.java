package dev.strata.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Writes and reads {@link EventEnvelope}s as CloudEvents JSON. Thread-safe; create one and share it.
 * <p>
 * Reading looks at the envelope's {@code type} first and binds {@code data} to the record registered for it in
 * {@link EventTypes}. Unknown properties are ignored so that producers can add optional fields before every consumer
 * knows them; null properties are left out when writing. Every failure to read is an {@link IllegalArgumentException}
 * with a message a person can act on.
 */
public final class EventCodec {

    private final ObjectMapper mapper;

    public EventCodec() {
        this.mapper = newObjectMapper();
    }

    /** A new {@link ObjectMapper} configured as the codec's: ISO-8601 times, lenient reading, nulls left out. */
    public static ObjectMapper newObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    /** The envelope as UTF-8 JSON, the Kafka record value. */
    public byte[] encode(EventEnvelope<?> envelope) {
        Objects.requireNonNull(envelope, "envelope is required");
        try {
            return mapper.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + envelope.type() + " event " + envelope.id(), e);
        }
    }

    /** The envelope as a JSON string. */
    public String encodeToString(EventEnvelope<?> envelope) {
        return new String(encode(envelope), StandardCharsets.UTF_8);
    }

    /**
     * Reads an envelope from UTF-8 JSON.
     *
     * @throws IllegalArgumentException if the JSON is malformed, the type is unknown or the event is invalid
     */
    public EventEnvelope<? extends StrataEvent> decode(byte[] json) {
        Objects.requireNonNull(json, "json is required");
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (IOException e) {
            throw malformed(e);
        }
        return bind(tree);
    }

    /**
     * Reads an envelope from a JSON string.
     *
     * @throws IllegalArgumentException if the JSON is malformed, the type is unknown or the event is invalid
     */
    public EventEnvelope<? extends StrataEvent> decode(String json) {
        Objects.requireNonNull(json, "json is required");
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (IOException e) {
            throw malformed(e);
        }
        return bind(tree);
    }

    /**
     * Reads an envelope that must carry an event of the given class, for consumers of a topic with one event type.
     *
     * @throws IllegalArgumentException as {@link #decode(byte[])}, or if the event is of another type
     */
    @SuppressWarnings("unchecked")
    public <T extends StrataEvent> EventEnvelope<T> decode(byte[] json, Class<T> expected) {
        EventEnvelope<? extends StrataEvent> envelope = decode(json);
        if (!expected.isInstance(envelope.data())) {
            throw new IllegalArgumentException("expected a " + EventTypes.typeOf(expected) + " event but got "
                    + envelope.type() + " (id " + envelope.id() + ")");
        }
        return (EventEnvelope<T>) envelope;
    }

    private EventEnvelope<? extends StrataEvent> bind(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("malformed event JSON: expected an object");
        }
        JsonNode typeNode = tree.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new IllegalArgumentException("event has no 'type' attribute");
        }
        String type = typeNode.asText();
        Class<? extends StrataEvent> eventClass = EventTypes.classOf(type)
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown event type '" + type + "'; known: " + String.join(", ", EventTypes.all())));
        JavaType envelopeType = mapper.getTypeFactory().constructParametricType(EventEnvelope.class, eventClass);
        try {
            return mapper.treeToValue(tree, envelopeType);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid " + type + " event" + idOf(tree) + ": " + describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + type + " event" + idOf(tree) + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException malformed(IOException e) {
        String message = "malformed event JSON";
        if (e instanceof JsonParseException parse) {
            JsonLocation location = parse.getLocation();
            if (location != null && location.getLineNr() > 0) {
                message += " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            }
            message += ": " + parse.getOriginalMessage();
        } else if (e instanceof JsonProcessingException processing) {
            message += ": " + processing.getOriginalMessage();
        }
        return new IllegalArgumentException(message, e);
    }

    private static String idOf(JsonNode tree) {
        JsonNode id = tree.get("id");
        return id != null && id.isTextual() ? " " + id.asText() : "";
    }

    /** The reason without Jackson's source excerpt and with the JSON path, e.g. {@code data.rowCount: ...}. */
    private static String describe(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            reason = e.getCause().getMessage();
        }
        if (e instanceof JsonMappingException mapping) {
            String path = path(mapping.getPath());
            if (!path.isEmpty()) {
                return path + ": " + reason;
            }
        }
        return reason;
    }

    private static String path(List<JsonMappingException.Reference> references) {
        return references.stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
