package dev.strata.notifier.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook call: {@code v1=} + lower-case hex of HMAC-SHA256, keyed with the channel's signing
 * secret (its UTF-8 bytes), over {@code <timestamp>.<body>}: the {@code X-Strata-Timestamp} header (Unix seconds), a
 * dot, and the raw request body bytes. Documented for receivers in the notifier's README.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Strata-Signature";
    public static final String TIMESTAMP_HEADER = "X-Strata-Timestamp";
    public static final String VERSION = "v1";

    private WebhookSignature() {
    }

    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
