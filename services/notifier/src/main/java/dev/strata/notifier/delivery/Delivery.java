package dev.strata.notifier.delivery;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One notification for one subscription, and how sending it went: the delivery log.
 *
 * @param status        pending (not yet sent, or waiting for a retry), delivered, dead_lettered (gave up)
 * @param attempts      attempts made so far
 * @param maxAttempts   attempts allowed before the dead-letter state
 * @param nextAttemptAt when it is (re)tried; null once delivered or dead-lettered
 * @param responseCode  the receiver's last status code (HTTP, or SMTP reply)
 * @param lastError     the last failure, for a person; never a secret
 * @param notification  what is sent
 */
public record Delivery(UUID id, UUID eventId, UUID subscriptionId, UUID channelId, String channelType,
        String namespace, String eventType, String status, int attempts, int maxAttempts, Instant nextAttemptAt,
        Integer responseCode, String lastError, Instant createdAt, Instant updatedAt, Instant deliveredAt,
        JsonNode notification) {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String DEAD_LETTERED = "dead_lettered";
}
