package dev.strata.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.events.EventEnvelope;
import dev.strata.events.RunFailed;
import dev.strata.netguard.AddressGuard;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.secret.Secrets;
import dev.strata.notifier.testing.Receivers;

/**
 * What every channel plug-in must do, run against each one with real receivers on loopback (an HTTP server, GreenMail):
 * a subclass names the plug-in, its settings and how to read what its receiver got.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ChannelConformanceTest {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** As in the test profile: the receivers on 127.0.0.1 are allowed, nothing else internal. */
    protected static final AddressGuard GUARD = AddressGuard.of(List.of("127.0.0.1"), Guards.ALLOW_LIST_KEY);

    protected Receivers receivers;
    protected Secrets secrets;

    /** The plug-in under test. */
    protected abstract NotificationChannel channel();

    /** Settings whose secrets point at a receiver that accepts. */
    protected abstract ObjectNode workingSettings();

    /** Settings whose secrets point at a receiver that fails or cannot be reached. */
    protected abstract ObjectNode failingSettings();

    /** Settings that point at the trap ({@link Receivers#TRAP_HOST}: loopback, not allow-listed). */
    protected abstract ObjectNode towardsTheTrap();

    /** The name of a secret-reference setting that the type requires. */
    protected abstract String requiredSecretSetting();

    /** Everything the receiver got for the delivery with this id, as text (body, subject). */
    protected abstract Optional<String> receivedFor(UUID deliveryId) throws Exception;

    @BeforeAll
    void startReceivers() {
        receivers = new Receivers();
        Map<String, String> values = receivers.secrets();
        secrets = name -> Optional.ofNullable(values.get(name));
    }

    @AfterAll
    void stopReceivers() {
        receivers.close();
    }

    protected static Notification runFailed() {
        UUID runId = UUID.randomUUID();
        var envelope = EventEnvelope.of("/strata/scheduler", runId.toString(), new RunFailed(runId, "sales",
                "orders-daily", "load_orders", "line 4127, column `amount`: 'abc' is not a number", 61_007L));
        return Notification.of(envelope, "http://strata.test/").orElseThrow();
    }

    @Test
    void checksItsOwnSettingsAndNamesTheSecretsTheyReferTo() {
        List<String> names = channel().check(workingSettings());
        assertFalse(names.isEmpty(), "a channel refers to at least one secret");
        names.forEach(n -> assertTrue(secrets.value(n).isPresent(), n + " is one of the test secrets"));
    }

    @Test
    void sendsANotificationThatTheReceiverGetsWithItsContent() throws Exception {
        Notification n = runFailed();
        UUID deliveryId = UUID.randomUUID();
        SendResult result = channel().send(workingSettings(), secrets, n, deliveryId);
        assertTrue(result.delivered(), "delivered: " + result);
        assertNotNull(result.responseCode());
        String got = receivedFor(deliveryId).orElseThrow(() -> new AssertionError("the receiver got nothing"));
        assertTrue(got.contains("orders-daily"), got);
        assertTrue(got.contains("load_orders"), got);
        assertTrue(got.contains("is not a number"), got);
    }

    @Test
    void aFailingReceiverIsAnAnswerNotAnExceptionAndTheErrorHoldsNoSecret() {
        SendResult result = channel().send(failingSettings(), secrets, runFailed(), UUID.randomUUID());
        assertFalse(result.delivered());
        assertNotNull(result.error());
        for (String secret : receivers.secrets().values()) {
            assertFalse(result.error().contains(secret), "the error shows a secret: " + result.error());
        }
    }

    @Test
    void anInternalTargetIsRefusedBeforeAnyConnection() {
        ObjectNode settings = towardsTheTrap();
        channel().check(settings); // the settings as such are fine
        String why = "host '" + Receivers.TRAP_HOST + "' is a loopback address; internal addresses are refused unless "
                + "allow-listed in strata.notifier.allowed-hosts";
        var refused = assertThrows(NotificationChannel.InvalidSettingsException.class,
                () -> channel().checkTarget(settings, secrets));
        assertTrue(refused.getMessage().startsWith("settings.") && refused.getMessage().endsWith(": " + why),
                refused.getMessage());
        SendResult result = channel().send(settings, secrets, runFailed(), UUID.randomUUID());
        assertFalse(result.delivered());
        assertEquals(null, result.responseCode());
        assertTrue(result.error().endsWith(why), result.error());
        assertFalse(result.error().contains(Integer.toString(receivers.trapPort())), "nothing about the port");
        assertEquals(0, receivers.trapConnections(), "nothing connected to the internal address");
        channel().checkTarget(workingSettings(), secrets); // the allow-listed receiver passes
    }

    @Test
    void aMissingRequiredSecretReferenceIsRefusedWithItsPath() {
        ObjectNode settings = workingSettings();
        settings.remove(requiredSecretSetting());
        var e = assertThrows(NotificationChannel.InvalidSettingsException.class, () -> channel().check(settings));
        assertTrue(e.getMessage().startsWith("settings." + requiredSecretSetting() + ":"), e.getMessage());
    }

    @Test
    void aSecretGivenInlineIsRefusedWithoutRepeatingIt() {
        ObjectNode settings = workingSettings();
        String value = "https://hooks.example.test/T1/B1/" + Instant.now().toEpochMilli();
        settings.put("webhookUrl", value);
        var e = assertThrows(NotificationChannel.InvalidSettingsException.class, () -> channel().check(settings));
        assertTrue(e.getMessage().startsWith("settings.webhookUrl:"), e.getMessage());
        assertFalse(e.getMessage().contains(value));

        ObjectNode asRef = workingSettings();
        asRef.put(requiredSecretSetting(), value);
        var notAName = assertThrows(NotificationChannel.InvalidSettingsException.class,
                () -> channel().check(asRef));
        assertFalse(notAName.getMessage().contains(value), notAName.getMessage());
    }

    @Test
    void aSecretThatIsNotSetStopsTheSendAndSaysWhereToSetIt() {
        ObjectNode settings = workingSettings();
        settings.put(requiredSecretSetting(), "not-set-anywhere");
        var e = assertThrows(Secrets.MissingSecretException.class,
                () -> channel().send(settings, secrets, runFailed(), UUID.randomUUID()));
        assertEquals("secret 'not-set-anywhere' is not set: set strata.secrets.not-set-anywhere (environment "
                + "variable STRATA_SECRETS_NOT_SET_ANYWHERE)", e.getMessage());
    }

    protected static ObjectNode object(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    protected static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
