package dev.strata.notifier;

import static io.restassured.RestAssured.given;

import java.util.List;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.NamespaceIsolationContractTest;
import dev.strata.notifier.testing.ReceiversResource;

/** The notifier's namespace wall: B's admin can neither list, read, change, test-send nor delete A's channels. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@WithTestResource(ReceiversResource.class)
class NotifierIsolationContractTest extends NamespaceIsolationContractTest {

    @Override
    protected List<Probe> resourcesOf(String ns, String adminToken) {
        String channel = """
                {"namespace":"%s","name":"iso-hook","type":"webhook","maxAttempts":3,
                 "settings":{"urlRef":"hook-url","signingSecretRef":"hook-key"}}""".formatted(ns);
        String id = given().auth().oauth2(adminToken).contentType("application/json").body(channel)
                .post("/api/v1/channels").then().statusCode(201).extract().path("id");
        return List.of(
                Probe.read("channel", "/api/v1/channels/" + id),
                Probe.change("channel", "PUT", "/api/v1/channels/" + id, """
                        {"name":"taken","settings":{"urlRef":"hook-url","signingSecretRef":"hook-key"},
                         "maxAttempts":3}"""),
                Probe.change("channel test-send", "POST", "/api/v1/channels/" + id + "/test", null),
                Probe.change("channel", "DELETE", "/api/v1/channels/" + id, null));
    }

    @Override
    protected List<String> foreignLists(String namespaceOfA) {
        return List.of("/api/v1/channels?namespace=" + namespaceOfA);
    }

    @Override
    protected List<String> listsOf(String other) {
        return List.of("/api/v1/channels?namespace=" + other);
    }
}
