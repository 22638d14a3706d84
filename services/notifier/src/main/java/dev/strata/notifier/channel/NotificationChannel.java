package dev.strata.notifier.channel;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.secret.Secrets;

/**
 * A kind of channel (Slack, webhook, e-mail): a plug-in chosen by a channel's {@code type}. It checks its settings and
 * sends one notification; retries, backoff, the delivery log and masking are the caller's. Every implementation
 * passes the shared conformance suite ({@code ChannelConformanceTest} in the tests).
 */
public interface NotificationChannel {

    /** The {@code type} of the channels this plug-in serves, e.g. {@code slack}. */
    String type();

    /** The kind of namespace connection a channel of this type may name in {@code settings.connection}. */
    default String connectionKind() {
        return type();
    }

    /**
     * Checks a channel's settings and answers the names of the secrets they refer to.
     *
     * @throws InvalidSettingsException naming the setting ({@code settings.to[0]}) and what is wrong with it
     */
    List<String> check(JsonNode settings);

    /**
     * Checks where the channel would connect, with the address guard, when a channel is created or changed (after
     * {@link #check}; its secrets are set). Nothing is connected to.
     *
     * @throws InvalidSettingsException naming the setting and why its host is refused
     */
    void checkTarget(JsonNode settings, Secrets secrets);

    /**
     * Sends one notification. Checks the target with the address guard first: a refused host is a failed answer and
     * nothing is connected to. Never throws for a receiver that fails or cannot be reached: that is a
     * {@link SendResult#failed} answer, to be retried.
     *
     * @param deliveryId identifies this delivery to the receiver (the same on every retry)
     */
    SendResult send(JsonNode settings, Secrets secrets, Notification notification, UUID deliveryId);

    /** Settings a channel cannot be created with. */
    class InvalidSettingsException extends RuntimeException {
        public InvalidSettingsException(String message) {
            super(message, null, false, false);
        }
    }
}
