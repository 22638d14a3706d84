package dev.strata.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A channel to create or replace.
 *
 * @param namespace   the namespace it belongs to (cannot change)
 * @param name        unique in the namespace: letters, digits, '-', '_'
 * @param type        slack, webhook or email (cannot change)
 * @param settings    the type's settings; secrets only by name ({@code webhookUrlRef}, {@code urlRef},
 *                    {@code signingSecretRef}, {@code passwordRef})
 * @param maxAttempts attempts before a delivery is dead-lettered; null for the service's default
 */
public record ChannelRequest(String namespace, String name, String type, JsonNode settings, Integer maxAttempts) {
}
