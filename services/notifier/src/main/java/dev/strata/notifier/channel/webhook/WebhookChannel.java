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

/**
 * A generic webhook: the notification as a JSON body, signed with HMAC-SHA256 over the timestamp and the body
 * ({@link WebhookSignature}). Both the URL and the signing key are secrets: {@code urlRef},
 * {@code signingSecretRef}.
 */
@Singleton
public class WebhookChannel implements NotificationChannel {

    public static final String TYPE = "webhook";
    public static final String EVENT_ID_HEADER = "X-Strata-Event-Id";
    public static final String DELIVERY_ID_HEADER = "X-Strata-Delivery-Id";
    public static final String EVENT_TYPE_HEADER = "X-Strata-Event-Type";

    /** Settings of a webhook channel. */
    public record WebhookSettings(String urlRef, String signingSecretRef) {
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
        Settings.secretRef(s.urlRef(), "urlRef", true, secrets);
        Settings.secretRef(s.signingSecretRef(), "signingSecretRef", true, secrets);
        return secrets;
    }

    @Override
    public void checkTarget(JsonNode settings, Secrets secrets) {
        WebhookSettings s = Settings.read(settings, WebhookSettings.class, TYPE);
        Settings.target(secrets.require(s.urlRef()), "urlRef", guard);
    }

    @Override
    public SendResult send(JsonNode settings, Secrets secrets, Notification notification, UUID deliveryId) {
        WebhookSettings s = Settings.read(settings, WebhookSettings.class, TYPE);
        String url = secrets.require(s.urlRef());
        String key = secrets.require(s.signingSecretRef());
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
