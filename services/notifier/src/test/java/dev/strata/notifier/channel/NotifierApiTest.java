package dev.strata.notifier.channel;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.notifier.testing.InjectReceivers;
import dev.strata.notifier.testing.NotifierApi;
import dev.strata.notifier.testing.Receivers;
import dev.strata.notifier.testing.ReceiversResource;

/** The REST API: roles, namespace scoping, masked secrets and problem details for bad input. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@WithTestResource(ReceiversResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(2)
class NotifierApiTest {

    @InjectDevStack
    DevStack stack;

    @InjectReceivers
    Receivers receivers;

    private String ns;
    private String otherNs;
    private NotifierApi engineer;
    private String viewer;
    private String otherEngineer;

    @BeforeAll
    void setUp() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        ns = "api-" + suffix;
        otherNs = "other-" + suffix;
        IssuerClient issuer = new IssuerClient(stack.auth());
        engineer = new NotifierApi(issuer.tokenFor(Map.of(ns, "engineer")));
        viewer = issuer.tokenFor(Map.of(ns, "viewer"));
        otherEngineer = issuer.tokenFor(Map.of(otherNs, "engineer"));
    }

    private Response post(String token, String path, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post(path);
    }

    private void assertNoSecretIn(String body) {
        receivers.secrets().forEach((name, value) -> assertFalse(body.contains(value),
                "secret " + name + " appears in: " + body));
        assertFalse(body.contains(receivers.slackToken()), body);
    }

    @Test
    void secretsAreReferencesAndMaskedInEveryResponse() {
        String created = post(engineer.token(), "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":\"masked\","
                + "\"type\":\"webhook\",\"settings\":{\"urlRef\":\"hook-url\",\"signingSecretRef\":\"hook-key\"}}")
                .then().statusCode(201)
                .body("settings.urlRef", equalTo("hook-url"))
                .body("secrets.name", equalTo(List.of("hook-url", "hook-key")))
                .body("secrets.value", equalTo(List.of("********", "********")))
                .body("secrets.set", equalTo(List.of(true, true)))
                .body("maxAttempts", equalTo(12))
                .extract().asString();
        assertNoSecretIn(created);
        String id = io.restassured.path.json.JsonPath.from(created).getString("id");

        assertNoSecretIn(given().auth().oauth2(engineer.token()).get("/api/v1/channels/" + id).then().statusCode(200)
                .extract().asString());
        assertNoSecretIn(given().auth().oauth2(viewer).get("/api/v1/channels?namespace=" + ns).then()
                .statusCode(200).body("id", hasItem(id)).extract().asString());
        assertNoSecretIn(given().auth().oauth2(engineer.token()).contentType(ContentType.JSON)
                .body("{\"name\":\"masked-2\",\"settings\":{\"urlRef\":\"hook-url\",\"signingSecretRef\":"
                        + "\"hook-key\"},\"maxAttempts\":4}")
                .put("/api/v1/channels/" + id).then().statusCode(200).body("name", equalTo("masked-2"))
                .body("maxAttempts", equalTo(4)).extract().asString());

        // test-send: Slack accepts; its URL (with the token) shows nowhere
        String slack = post(engineer.token(), "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":\"slack\","
                + "\"type\":\"slack\",\"settings\":{\"webhookUrlRef\":\"slack-url\"}}").then().statusCode(201)
                .extract().path("id");
        assertNoSecretIn(post(engineer.token(), "/api/v1/channels/" + slack + "/test", "").then().statusCode(200)
                .body("delivered", equalTo(true)).body("responseCode", equalTo(200)).extract().asString());
        // a failing test-send says why, without the URL
        receivers.mode(Receivers.BROKEN_PATH, Receivers.Mode.FAIL_500);
        String broken = post(engineer.token(), "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":"
                + "\"broken\",\"type\":\"slack\",\"settings\":{\"webhookUrlRef\":\"broken-hook-url\"}}").then()
                .statusCode(201).extract().path("id");
        assertNoSecretIn(post(engineer.token(), "/api/v1/channels/" + broken + "/test", "").then().statusCode(200)
                .body("delivered", equalTo(false)).body("responseCode", equalTo(500))
                .body("error", startsWith("the receiver answered HTTP 500")).extract().asString());

        // a secret value given inline is refused, and not repeated
        String url = receivers.secrets().get("slack-url");
        assertNoSecretIn(post(engineer.token(), "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":"
                + "\"inline\",\"type\":\"slack\",\"settings\":{\"webhookUrl\":\"" + url + "\"}}").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("settings.webhookUrl: not a setting of a slack channel")).extract()
                .asString());
        assertNoSecretIn(post(engineer.token(), "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":"
                + "\"inline\",\"type\":\"slack\",\"settings\":{\"webhookUrlRef\":\"" + url + "\"}}").then()
                .statusCode(400).body("detail", startsWith("settings.webhookUrlRef: is not the name of a secret"))
                .extract().asString());
    }

    @Test
    void aViewerCanReadButNotCreateChangeOrTestChannels() {
        post(viewer, "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":\"nope\",\"type\":\"slack\","
                + "\"settings\":{\"webhookUrlRef\":\"slack-url\"}}").then().statusCode(403)
                .contentType("application/problem+json");
        UUID id = engineer.createChannel(ns, "viewer-sees", "slack", "{\"webhookUrlRef\":\"slack-url\"}", null);
        given().auth().oauth2(viewer).get("/api/v1/channels/" + id).then().statusCode(200);
        given().auth().oauth2(viewer).delete("/api/v1/channels/" + id).then().statusCode(403);
        post(viewer, "/api/v1/channels/" + id + "/test", "").then().statusCode(403);
        post(viewer, "/api/v1/subscriptions", "{\"namespace\":\"" + ns + "\",\"channelId\":\"" + id + "\","
                + "\"eventTypes\":[\"run_failed\"]}").then().statusCode(403);
        given().auth().oauth2(engineer.token()).get("/api/v1/channels/" + id).then().statusCode(200);
    }

    @Test
    void namespacesAreIsolatedInListsGetsAndWrites() {
        UUID mine = engineer.createChannel(ns, "isolated", "slack", "{\"webhookUrlRef\":\"slack-url\"}", null);
        UUID sub = engineer.subscribe(ns, mine, List.of("run_failed", "sla_missed"), null);
        UUID theirs = new NotifierApi(otherEngineer).createChannel(otherNs, "theirs", "slack",
                "{\"webhookUrlRef\":\"slack-url\"}", null);

        given().auth().oauth2(otherEngineer).get("/api/v1/channels").then().statusCode(200)
                .body("id", not(hasItem(mine.toString()))).body("id", hasItem(theirs.toString()))
                .body("namespace", org.hamcrest.Matchers.everyItem(equalTo(otherNs)));
        given().auth().oauth2(otherEngineer).get("/api/v1/channels?namespace=" + ns).then().statusCode(200)
                .body("$", org.hamcrest.Matchers.empty());
        given().auth().oauth2(otherEngineer).get("/api/v1/channels/" + mine).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(otherEngineer).delete("/api/v1/channels/" + mine).then().statusCode(404);
        given().auth().oauth2(otherEngineer).get("/api/v1/subscriptions").then().statusCode(200)
                .body("id", not(hasItem(sub.toString())));
        given().auth().oauth2(otherEngineer).get("/api/v1/subscriptions/" + sub).then().statusCode(404);
        given().auth().oauth2(otherEngineer).get("/api/v1/deliveries").then().statusCode(200)
                .body("namespace", org.hamcrest.Matchers.everyItem(equalTo(otherNs)));
        // creating in a namespace one cannot read, or subscribing another namespace's channel
        post(otherEngineer, "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":\"intruder\",\"type\":"
                + "\"slack\",\"settings\":{\"webhookUrlRef\":\"slack-url\"}}").then().statusCode(404);
        post(otherEngineer, "/api/v1/subscriptions", "{\"namespace\":\"" + otherNs + "\",\"channelId\":\"" + mine
                + "\",\"eventTypes\":[\"run_failed\"]}").then().statusCode(400)
                .body("detail", equalTo("channelId: there is no channel " + mine + " in namespace '" + otherNs
                        + "'"));
        given().auth().oauth2(engineer.token()).get("/api/v1/subscriptions/" + sub).then().statusCode(200)
                .body("eventTypes", equalTo(List.of("run_failed", "sla_missed")));
    }

    @Test
    void aChannelToAnInternalAddressIsA400AndNothingIsConnected() {
        String base = "{\"namespace\":\"" + ns + "\",\"name\":\"internal\",\"type\":\"email\",\"settings\":"
                + "{\"security\":\"none\",\"from\":\"a@b.test\",\"to\":[\"c@d.test\"],";
        String guard = "; internal addresses are refused unless allow-listed in strata.notifier.allowed-hosts";
        // an open (silent) port and a closed one answer the same: nothing tells them apart, nothing is connected
        String open = post(engineer.token(), "/api/v1/channels", base + "\"host\":\"127.0.0.2\",\"port\":"
                + receivers.trapPort() + "}}").then().statusCode(400).contentType("application/problem+json")
                .extract().path("detail");
        String closed = post(engineer.token(), "/api/v1/channels", base + "\"host\":\"127.0.0.2\",\"port\":1}}")
                .then().statusCode(400).extract().path("detail");
        assertEquals("settings.host: host '127.0.0.2' is a loopback address" + guard, open);
        assertEquals(open, closed);
        for (String[] host : new String[][]{
                {"[::127.0.0.1]", "settings.host: host '[::127.0.0.1]' is the IPv4-compatible form of 127.0.0.1, a "
                        + "loopback address" + guard},
                {"::ffff:7f00:2", "settings.host: host '::ffff:7f00:2' is a loopback address" + guard},
                {"[::1]", "settings.host: host '[::1]' is the loopback address (::1)" + guard},
                {"169.254.169.254", "settings.host: host '169.254.169.254' is a link-local address"},
                {"0x7f000001", "settings.host: host '0x7f000001' is an ambiguous IPv4 address"},
                {"smtp relay", "settings.host: host 'smtp relay' is not a valid host name"}}) {
            post(engineer.token(), "/api/v1/channels", base + "\"host\":\"" + host[0] + "\",\"port\":"
                    + receivers.trapPort() + "}}").then().statusCode(400).contentType("application/problem+json")
                    .body("detail", startsWith(host[1]));
        }
        // webhook and Slack URLs are secrets: the host is named, the URL never
        String hook = post(engineer.token(), "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":\"trap\","
                + "\"type\":\"webhook\",\"settings\":{\"urlRef\":\"trap-url\",\"signingSecretRef\":\"hook-key\"}}")
                .then().statusCode(400).body("detail", equalTo("settings.urlRef: host '127.0.0.2' is a loopback "
                        + "address" + guard))
                .extract().asString();
        assertNoSecretIn(hook);
        post(engineer.token(), "/api/v1/channels", "{\"namespace\":\"" + ns + "\",\"name\":\"trap\","
                + "\"type\":\"slack\",\"settings\":{\"webhookUrlRef\":\"trap-url\"}}").then().statusCode(400)
                .body("detail", startsWith("settings.webhookUrlRef: host '127.0.0.2' is a loopback address"));
        assertEquals(0, receivers.trapConnections(), "nothing connected to the internal address");
        given().auth().oauth2(engineer.token()).get("/api/v1/channels?namespace=" + ns).then().statusCode(200)
                .body("name", not(hasItem("internal"))).body("name", not(hasItem("trap")));
    }

    @Test
    void badInputIsAProblemThatSaysWhatAndWhere() {
        String base = "{\"namespace\":\"" + ns + "\",\"name\":\"bad\",";
        post(engineer.token(), "/api/v1/channels", base + "\"type\":\"pager\",\"settings\":{}}").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("type: 'pager' is not a channel type; use one of email, slack, webhook"));
        post(engineer.token(), "/api/v1/channels", base + "\"type\":\"slack\",\"settings\":{\"webhookUrlRef\":"
                + "\"not-configured\"}}").then().statusCode(400)
                .body("detail", equalTo("settings: secret 'not-configured' is not set; set the namespace's secret "
                        + "(PUT /api/v1/namespaces/" + ns + "/secrets/not-configured at the auth service) or "
                        + "strata.secrets.not-configured (environment variable STRATA_SECRETS_NOT_CONFIGURED) first"));
        post(engineer.token(), "/api/v1/channels", base + "\"type\":\"email\",\"settings\":{\"host\":\"smtp.test\","
                + "\"from\":\"a@b.test\",\"to\":[]}}").then().statusCode(400)
                .body("detail", equalTo("settings.to: needs at least one address"));
        post(engineer.token(), "/api/v1/channels", "{not json").then().statusCode(400)
                .contentType("application/problem+json");
        UUID id = engineer.createChannel(ns, "for-subs", "slack", "{\"webhookUrlRef\":\"slack-url\"}", null);
        post(engineer.token(), "/api/v1/subscriptions", "{\"namespace\":\"" + ns + "\",\"channelId\":\"" + id
                + "\",\"eventTypes\":[\"run_failed\",\"run_exploded\"]}").then().statusCode(400)
                .body("detail", equalTo("eventTypes[1]: 'run_exploded' is not an event type; use run_failed, "
                        + "run_succeeded, sla_missed, data_test_failed, freshness_breached"));
        given().auth().oauth2(engineer.token()).get("/api/v1/deliveries?status=lost").then().statusCode(400)
                .body("detail", containsString("status: 'lost' is not a delivery status"));
        post(engineer.token(), "/api/v1/channels", base + "\"type\":\"slack\",\"settings\":{\"webhookUrlRef\":"
                + "\"slack-url\"}}").then().statusCode(201);
        post(engineer.token(), "/api/v1/channels", base + "\"type\":\"slack\",\"settings\":{\"webhookUrlRef\":"
                + "\"slack-url\"}}").then().statusCode(409).contentType("application/problem+json");
        assertEquals(404, given().auth().oauth2(engineer.token()).post("/api/v1/deliveries/" + UUID.randomUUID()
                + "/redeliver").statusCode());
    }
}
