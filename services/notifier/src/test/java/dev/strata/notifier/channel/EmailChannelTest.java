package dev.strata.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.notifier.channel.email.EmailChannel;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.testing.Receivers;

class EmailChannelTest extends ChannelConformanceTest {

    private final EmailChannel email = new EmailChannel(TIMEOUT, GUARD);

    @Override
    protected NotificationChannel channel() {
        return email;
    }

    @Override
    protected ObjectNode workingSettings() {
        return object("{\"host\":\"127.0.0.1\",\"port\":" + receivers.mailPort() + ",\"security\":\"none\","
                + "\"username\":\"alerts\",\"passwordRef\":\"smtp-password\",\"from\":\"strata@strata.test\","
                + "\"to\":[\"oncall@strata.test\",\"data@strata.test\"]}");
    }

    @Override
    protected ObjectNode failingSettings() {
        ObjectNode settings = workingSettings();
        settings.put("username", "nobody"); // GreenMail refuses this login
        return settings;
    }

    @Override
    protected ObjectNode towardsTheTrap() {
        ObjectNode settings = workingSettings();
        settings.put("host", Receivers.TRAP_HOST);
        settings.put("port", receivers.trapPort());
        return settings;
    }

    @Override
    protected String requiredSecretSetting() {
        return "passwordRef";
    }

    @Override
    protected Optional<String> receivedFor(UUID deliveryId) throws Exception {
        for (MimeMessage m : receivers.mails()) {
            if (deliveryId.toString().equals(m.getHeader("X-Strata-Delivery-Id", null))) {
                return Optional.of(m.getSubject() + "\n" + m.getContent());
            }
        }
        return Optional.empty();
    }

    @Test
    void theMailHasASubjectAndGoesToEveryRecipient() throws Exception {
        UUID deliveryId = UUID.randomUUID();
        Notification failed = runFailed();
        UUID runId = failed.runId();
        assertTrue(email.send(workingSettings(), secrets, failed, deliveryId).delivered());
        MimeMessage[] mine = Arrays.stream(receivers.mails()).filter(m -> {
            try {
                return deliveryId.toString().equals(m.getHeader("X-Strata-Delivery-Id", null));
            } catch (Exception e) {
                return false;
            }
        }).toArray(MimeMessage[]::new);
        assertEquals(2, mine.length, "one copy per recipient");
        assertEquals("[Strata] FAILED: pipeline orders-daily run " + runId + " in namespace sales",
                mine[0].getSubject());
        assertEquals("strata@strata.test", mine[0].getFrom()[0].toString());
        String body = mine[0].getContent().toString();
        assertTrue(body.contains("Failed task: load_orders"), body);
        assertTrue(body.contains("Duration: 1m 1s"), body);
        assertTrue(body.contains("Run: http://strata.test/ui/namespaces/sales/runs/" + runId), body);
    }

    @Test
    void aWrongPasswordIsAFailedAttemptWithTheSmtpCode() {
        ObjectNode settings = workingSettings();
        settings.put("passwordRef", "hook-key"); // a secret, but not this user's password
        var result = email.send(settings, secrets, runFailed(), UUID.randomUUID());
        assertFalse(result.delivered());
        assertEquals(535, result.responseCode());
    }

    @Test
    void addressesAreChecked() {
        ObjectNode settings = workingSettings();
        settings.putArray("to").add("oncall@strata.test").add("not an address");
        var e = assertThrows(NotificationChannel.InvalidSettingsException.class, () -> email.check(settings));
        assertEquals("settings.to[1]: 'not an address' is not an e-mail address", e.getMessage());
    }
}
