package dev.strata.notifier.secret;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.notifier.channel.webhook.WebhookSignature;
import dev.strata.notifier.testing.InjectReceivers;
import dev.strata.notifier.testing.Receivers;
import dev.strata.notifier.testing.ReceiversResource;

/**
 * A webhook channel whose URL and signing key are secrets of its namespace (kept in auth, not in the notifier's
 * environment): the delivery reaches the receiver signed with that key; another namespace cannot name them.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@WithTestResource(ReceiversResource.class)
@Order(3)
class NamespaceSecretsTest {

    @InjectDevStack
    DevStack stack;

    @InjectReceivers
    Receivers receivers;

    @Test
    void aWebhookChannelUsesItsNamespacesSecrets() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String ns = "team-" + suffix;
        String other = "else-" + suffix;
        IssuerClient issuer = new IssuerClient(stack.auth());
        String engineer = issuer.tokenFor(Map.of(ns, "engineer"));
        String outsider = issuer.tokenFor(Map.of(other, "engineer"));
        String key = randomKey();
        String url = receivers.secrets().get("hook-url");
        putSecret(issuer, ns, "team-hook-url", url);
        putSecret(issuer, ns, "team-hook-key", key);

        String body = "{\"namespace\":\"%s\",\"name\":\"team\",\"type\":\"webhook\",\"settings\":{\"urlRef\":"
                + "\"team-hook-url\",\"signingSecretRef\":\"team-hook-key\"}}";
        String created = given().auth().oauth2(engineer).contentType(ContentType.JSON).body(body.formatted(ns))
                .post("/api/v1/channels").then().statusCode(201).extract().asString();
        assertFalse(created.contains(key));
        String id = io.restassured.path.json.JsonPath.from(created).getString("id");

        int before = receivers.received(Receivers.SIGNED_PATH).size();
        String tested = given().auth().oauth2(engineer).contentType(ContentType.JSON).body("")
                .post("/api/v1/channels/" + id + "/test").then().statusCode(200).body("delivered", equalTo(true))
                .extract().asString();
        assertFalse(tested.contains(key) || tested.contains(url));
        List<Receivers.Received> received = receivers.received(Receivers.SIGNED_PATH);
        assertEquals(before + 1, received.size());
        Receivers.Received last = received.get(received.size() - 1);
        long timestamp = Long.parseLong(last.header(WebhookSignature.TIMESTAMP_HEADER));
        assertEquals(WebhookSignature.sign(key, timestamp, last.body()), last.header(
                WebhookSignature.SIGNATURE_HEADER), "signed with the namespace's key");

        // another namespace does not see them: its channel naming them is refused
        given().auth().oauth2(outsider).contentType(ContentType.JSON).body(body.formatted(other))
                .post("/api/v1/channels").then().statusCode(400).body("detail", containsString("team-hook-url"));
    }

    @Test
    void channelsNameAWholeConnectionOfTheirNamespace() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String ns = "conn-" + suffix;
        String other = "else-" + suffix;
        IssuerClient issuer = new IssuerClient(stack.auth());
        String engineer = issuer.tokenFor(Map.of(ns, "engineer"));
        String outsider = issuer.tokenFor(Map.of(other, "engineer"));
        String key = randomKey();
        String slackUrl = receivers.secrets().get("slack-url");
        putSecret(issuer, ns, "ops-hook-key", key);
        putSecret(issuer, ns, "ops-slack-url", slackUrl);
        put(issuer, "/api/v1/namespaces/" + ns + "/connections/ops-hook", Map.of("kind", "webhook", "url",
                receivers.secrets().get("hook-url"), "signingSecret", "ops-hook-key"));
        put(issuer, "/api/v1/namespaces/" + ns + "/connections/ops-slack", Map.of("kind", "slack",
                "webhookUrlSecret", "ops-slack-url"));
        put(issuer, "/api/v1/namespaces/" + ns + "/connections/ops-hook-unsigned", Map.of("kind", "webhook", "url",
                receivers.secrets().get("hook-url")));

        // a webhook channel naming the connection: its URL and signing key come from it at each send
        String hook = channel(engineer, ns, "ops-hook", "webhook", "{\"connection\":\"ops-hook\"}", 201);
        assertFalse(hook.contains(key));
        int before = receivers.received(Receivers.SIGNED_PATH).size();
        String tested = given().auth().oauth2(engineer).contentType(ContentType.JSON).body("")
                .post("/api/v1/channels/" + JsonPath.from(hook).getString("id") + "/test").then().statusCode(200)
                .body("delivered", equalTo(true)).extract().asString();
        assertFalse(tested.contains(key));
        List<Receivers.Received> received = receivers.received(Receivers.SIGNED_PATH);
        assertEquals(before + 1, received.size());
        Receivers.Received last = received.get(received.size() - 1);
        long timestamp = Long.parseLong(last.header(WebhookSignature.TIMESTAMP_HEADER));
        assertEquals(WebhookSignature.sign(key, timestamp, last.body()), last.header(
                WebhookSignature.SIGNATURE_HEADER), "signed with the connection's key");

        // a Slack channel naming a slack connection: the incoming-webhook URL is the connection's secret
        String slack = channel(engineer, ns, "ops-slack", "slack", "{\"connection\":\"ops-slack\"}", 201);
        assertFalse(slack.contains(receivers.slackToken()));
        int slackBefore = receivers.received(Receivers.SLACK_PATH).size();
        String slackTested = given().auth().oauth2(engineer).contentType(ContentType.JSON).body("")
                .post("/api/v1/channels/" + JsonPath.from(slack).getString("id") + "/test").then().statusCode(200)
                .body("delivered", equalTo(true)).extract().asString();
        assertFalse(slackTested.contains(receivers.slackToken()));
        assertEquals(slackBefore + 1, receivers.received(Receivers.SLACK_PATH).size());

        // mistakes, each refused naming the field
        String missing = channel(engineer, ns, "ghost", "webhook", "{\"connection\":\"no-such\"}", 422);
        assertTrue(missing.contains("settings.connection") && missing.contains("'no-such' does not exist"),
                missing);
        String wrongKind = channel(engineer, ns, "mixed", "webhook", "{\"connection\":\"ops-slack\"}", 422);
        assertTrue(wrongKind.contains("settings.connection") && wrongKind.contains("is a slack connection"),
                wrongKind);
        String unsigned = channel(engineer, ns, "unsigned", "webhook",
                "{\"connection\":\"ops-hook-unsigned\"}", 422);
        assertTrue(unsigned.contains("settings.connection") && unsigned.contains("signingSecret"), unsigned);
        String both = channel(engineer, ns, "both", "webhook",
                "{\"connection\":\"ops-hook\",\"urlRef\":\"ops-hook-url\"}", 400);
        assertTrue(both.contains("settings.urlRef: not with settings.connection"), both);
        // another namespace does not see the connection
        String outside = channel(outsider, other, "stolen", "webhook", "{\"connection\":\"ops-hook\"}", 422);
        assertTrue(outside.contains("'ops-hook' does not exist in namespace '" + other + "'"), outside);
    }

    @Test
    void emailChannelsNameAnSmtpConnectionOfTheirNamespace() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String ns = "mail-" + suffix;
        String other = "else-" + suffix;
        IssuerClient issuer = new IssuerClient(stack.auth());
        String engineer = issuer.tokenFor(Map.of(ns, "engineer"));
        String outsider = issuer.tokenFor(Map.of(other, "engineer"));
        putSecret(issuer, ns, "ops-smtp-password", receivers.mailPassword());
        put(issuer, "/api/v1/namespaces/" + ns + "/connections/ops-smtp", Map.of("kind", "smtp", "host", "127.0.0.1",
                "port", receivers.mailPort(), "from", "strata@strata.test", "user", Receivers.MAIL_USER,
                "passwordSecret", "ops-smtp-password"));
        put(issuer, "/api/v1/namespaces/" + ns + "/connections/ops-slack", Map.of("kind", "slack",
                "webhookUrlSecret", "ops-smtp-password"));

        // the channel keeps the recipients; server, login and sender come from the connection at each send
        String mail = channel(engineer, ns, "ops-mail", "email",
                "{\"connection\":\"ops-smtp\",\"security\":\"none\",\"to\":[\"oncall@strata.test\"]}", 201);
        assertFalse(mail.contains(receivers.mailPassword()));
        String tested = given().auth().oauth2(engineer).contentType(ContentType.JSON).body("")
                .post("/api/v1/channels/" + JsonPath.from(mail).getString("id") + "/test").then().statusCode(200)
                .body("delivered", equalTo(true)).extract().asString();
        assertFalse(tested.contains(receivers.mailPassword()));
        boolean received = false;
        for (jakarta.mail.internet.MimeMessage m : receivers.mails()) {
            String[] to = m.getHeader("To");
            received |= m.getContent().toString().contains("channel 'ops-mail'") && to != null
                    && to[0].contains("oncall@strata.test")
                    && m.getFrom()[0].toString().equals("strata@strata.test");
        }
        assertTrue(received, "the test mail reached the SMTP server from the connection's sender");

        // mistakes, each refused naming the field
        String both = channel(engineer, ns, "both", "email",
                "{\"connection\":\"ops-smtp\",\"host\":\"127.0.0.1\",\"to\":[\"a@strata.test\"]}", 400);
        assertTrue(both.contains("settings.host: not with settings.connection"), both);
        String noRecipient = channel(engineer, ns, "nobody", "email", "{\"connection\":\"ops-smtp\"}", 400);
        assertTrue(noRecipient.contains("settings.to"), noRecipient);
        String wrongKind = channel(engineer, ns, "mixed", "email",
                "{\"connection\":\"ops-slack\",\"to\":[\"a@strata.test\"]}", 422);
        assertTrue(wrongKind.contains("is a slack connection; an email channel needs a smtp connection"), wrongKind);
        // another namespace does not see the connection
        String outside = channel(outsider, other, "stolen", "email",
                "{\"connection\":\"ops-smtp\",\"to\":[\"a@strata.test\"]}", 422);
        assertTrue(outside.contains("'ops-smtp' does not exist in namespace '" + other + "'"), outside);
    }

    private static String channel(String token, String ns, String name, String type, String settings, int status) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\",\"type\":\"" + type
                        + "\",\"settings\":" + settings + "}")
                .post("/api/v1/channels").then().statusCode(status).extract().asString();
    }

    private void put(IssuerClient issuer, String path, Map<String, ?> body) {
        given().auth().oauth2(issuer.adminToken()).contentType(ContentType.JSON).body(body)
                .put(stack.auth().issuer() + path).then().statusCode(201);
    }

    private void putSecret(IssuerClient issuer, String ns, String name, String value) {
        given().auth().oauth2(issuer.adminToken()).contentType(ContentType.JSON)
                .body(Map.of("value", value)).put(stack.auth().issuer() + "/api/v1/namespaces/" + ns + "/secrets/"
                        + name)
                .then().statusCode(201);
    }

    /** A signing key nobody could guess, to look for in answers. */
    private static String randomKey() {
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }
}
