package dev.strata.notifier.channel;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A channel as stored: its settings hold secret names only. */
public record Channel(UUID id, String namespace, String name, String type, JsonNode settings, Integer maxAttempts,
        String createdBy, Instant createdAt, Instant updatedAt) {
}
