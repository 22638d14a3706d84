package dev.strata.notifier.channel;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A channel as the API shows it. Secrets appear only as references: their name, whether the service has a value for
 * it, and a mask in place of the value.
 */
public record ChannelView(UUID id, String namespace, String name, String type, JsonNode settings,
        List<SecretRef> secrets, int maxAttempts, String createdBy, Instant createdAt, Instant updatedAt) {

    /** A secret a channel refers to. {@code value} is always the mask {@code ********}. */
    public record SecretRef(String name, boolean set, String value) {
    }
}
