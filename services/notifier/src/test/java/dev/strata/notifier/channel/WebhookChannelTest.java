package dev.strata.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.notifier.channel.webhook.WebhookChannel;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.testing.Receivers;

class WebhookChannelTest extends ChannelConformanceTest {

    private final WebhookChannel webhook = new WebhookChannel(TIMEOUT, GUARD);

    @Override
    protected NotificationChannel channel() {
        return webhook;
    }

    @Override
    protected ObjectNode workingSettings() {
        return object("{\"urlRef\":\"hook-url\",\"signingSecretRef\":\"hook-key\"}");
    }

    @Override
    protected ObjectNode failingSettings() {
        return object("{\"urlRef\":\"flaky-hook-url\",\"signingSecretRef\":\"hook-key\"}"); // its port is closed
    }

    @Override
    protected ObjectNode towardsTheTrap() {
        return object("{\"urlRef\":\"trap-url\",\"signingSecretRef\":\"hook-key\"}");
    }

    @Override
    protected String requiredSecretSetting() {
        return "signingSecretRef";
    }

    @Override
    protected Optional<String> receivedFor(UUID deliveryId) {
        return receivers.received(Receivers.SIGNED_PATH).stream()
                .filter(r -> deliveryId.toString().equals(r.header("X-Strata-Delivery-Id")))
                .map(Receivers.Received::text).findFirst();
    }

    /** The receiver's side, written from the README's spec alone (not with the notifier's code). */
    static boolean verify(String secret, String timestamp, byte[] body, String signatureHeader) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = ("v1=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
        return java.security.MessageDigest.isEqual(expected, signatureHeader.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theBodyIsTheNotificationAndTheSignatureVerifiesButNotForATamperedBody() throws Exception {
        Notification n = runFailed();
        UUID deliveryId = UUID.randomUUID();
        assertTrue(webhook.send(workingSettings(), secrets, n, deliveryId).delivered());
        Receivers.Received got = receivers.received(Receivers.SIGNED_PATH).stream()
                .filter(r -> deliveryId.toString().equals(r.header("X-Strata-Delivery-Id"))).findFirst()
                .orElseThrow();

        JsonNode body = parse(got.text());
        assertEquals(deliveryId.toString(), body.path("deliveryId").asText());
        assertEquals(n.eventId().toString(), body.path("eventId").asText());
        assertEquals("run_failed", body.path("eventType").asText());
        assertEquals("FAILED", body.path("outcome").asText());
        assertEquals("FAILED: pipeline orders-daily run " + n.runId() + " in namespace sales",
                body.path("subject").asText());
        assertEquals("http://strata.test/ui/namespaces/sales/runs/" + n.runId(), body.path("runUrl").asText());
        assertEquals("load_orders", body.path("failedTask").asText());
        assertEquals(61_007L, body.path("durationMs").asLong());
        assertEquals(n.eventId().toString(), got.header("X-Strata-Event-Id"));
        assertEquals("run_failed", got.header("X-Strata-Event-Type"));
        assertEquals("application/json", got.header("Content-Type"));

        String timestamp = got.header("X-Strata-Timestamp");
        String signature = got.header("X-Strata-Signature");
        assertTrue(Math.abs(Long.parseLong(timestamp) - java.time.Instant.now().getEpochSecond()) < 300);
        assertTrue(signature.startsWith("v1="), signature);
        assertTrue(verify(receivers.signingKey(), timestamp, got.body(), signature), "the signature verifies");

        byte[] tampered = got.text().replace("load_orders", "load_0rders").getBytes(StandardCharsets.UTF_8);
        assertFalse(verify(receivers.signingKey(), timestamp, tampered, signature), "a tampered body fails");
        assertFalse(verify(receivers.signingKey(), Long.toString(Long.parseLong(timestamp) + 1), got.body(),
                signature), "a replayed body with another timestamp fails");
        assertFalse(verify("another-key", timestamp, got.body(), signature), "another key fails");
    }
}
