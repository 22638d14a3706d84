package dev.strata.notifier.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.strata.netguard.AddressGuard;
import dev.strata.notifier.channel.HttpPost;
import dev.strata.notifier.channel.NotificationChannel;
import dev.strata.notifier.channel.SendResult;
import dev.strata.notifier.channel.Settings;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.secret.Secrets;
import dev.strata.security.client.ResolvedConnection;

/**
 * A generic webhook: the notification as a JSON body, signed with HMAC-SHA256 over the timestamp and the body
 * ({@link WebhookSignature}). Both the URL and the signing key are secrets: {@code urlRef},
 * {@code signingSecretRef}; or both come from a {@code webhook} connection of the namespace: {@code connection}.
 */
@Singleton
public class WebhookChannel implements NotificationChannel {

    public static final String TYPE = "webhook";
    public static final String EVENT_ID_HEADER = "X-Strata-Event-Id";
    public static final String DELIVERY_ID_HEADER = "X-Strata-Delivery-Id";
    public static final String EVENT_TYPE_HEADER = "X-Strata-Event-Type";

    /**
     * Settings of a webhook channel: the secrets holding its URL and signing key, or a {@code webhook} connection of
     * the namespace (its {@code url} and {@code signingSecret}) instead.
     */
    public record WebhookSettings(String urlRef, String signingSecretRef, String connection) {
    }

    private final HttpPost http;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final AddressGuard guard;

    @Inject
    WebhookChannel(NotifierConfig config, AddressGuard guard) {
        this(config.delivery().timeout(), guard);
    }

    public WebhookChannel(Duration timeout, AddressGuard guard) {
        this.http = new HttpPost(timeout, guard);
        this.guard = guard;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> check(JsonNode settings) {
        WebhookSettings s = Settings.read(settings, WebhookSettings.class, TYPE);
        List<String> secrets = new ArrayList<>();
        if (s.connection() != null) {
            Map<String, String> replaced = new LinkedHashMap<>();
            replaced.put("urlRef", s.urlRef());
            replaced.put("signingSecretRef", s.signingSecretRef());
            Settings.connectionRef(s.connection(), replaced, "the URL and the signing key");
            return secrets;
        }
        Settings.secretRef(s.urlRef(), "urlRef", true, secrets);
        Settings.secretRef(s.signingSecretRef(), "signingSecretRef", true, secrets);
        return secrets;
    }

    @Override
    public void checkTarget(JsonNode settings, Secrets secrets) {
        WebhookSettings s = Settings.read(settings, WebhookSettings.class, TYPE);
        if (s.connection() != null) {
            Target target = target(s, secrets);
            Settings.target(target.url(), "connection", guard);
            return;
        }
        Settings.target(secrets.require(s.urlRef()), "urlRef", guard);
    }

    /** Where a channel posts and the key it signs with. */
    private record Target(String url, String key) {
        @Override
        public String toString() {
            return "Target[***]";
        }
    }

    private static Target target(WebhookSettings s, Secrets secrets) {
        if (s.connection() == null) {
            return new Target(secrets.require(s.urlRef()), secrets.require(s.signingSecretRef()));
        }
        ResolvedConnection c = Settings.connection(s.connection(), TYPE, secrets);
        return new Target(Settings.field(c.setting("url"), c, "url"),
                Settings.field(c.secret("signingSecret"), c, "signingSecret (webhook channels sign every request)"));
    }

    @Override
    public SendResult send(JsonNode settings, Secrets secrets, Notification notification, UUID deliveryId) {
        Target target = target(Settings.read(settings, WebhookSettings.class, TYPE), secrets);
        String url = target.url();
        String key = target.key();
        byte[] body = body(notification, deliveryId);
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(key, timestamp, body));
        headers.put(EVENT_ID_HEADER, notification.eventId().toString());
        headers.put(DELIVERY_ID_HEADER, deliveryId.toString());
        headers.put(EVENT_TYPE_HEADER, notification.eventType());
        return http.post(url, new String(body, StandardCharsets.UTF_8), headers);
    }

    /** The body: {@code deliveryId} plus every field of the notification that applies. */
    byte[] body(Notification notification, UUID deliveryId) {
        ObjectNode body = json.createObjectNode();
        body.put("deliveryId", deliveryId.toString());
        body.setAll((ObjectNode) json.valueToTree(notification));
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notification could not be written as JSON", e);
        }
    }
}
