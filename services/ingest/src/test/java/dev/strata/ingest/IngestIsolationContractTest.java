package dev.strata.ingest;

import static dev.strata.ingest.IngestTestSupport.serve;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.NamespaceIsolationContractTest;

/**
 * The API half of ingest's namespace wall: B's admin can neither read A's load run, find it in a list, nor queue a
 * load into A. The data half (tables, ledger, lake) is {@link NamespaceIsolationTest}.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class IngestIsolationContractTest extends NamespaceIsolationContractTest {

    @Override
    protected List<Probe> resourcesOf(String namespace, String adminToken) {
        String spec = """
                {"namespace":"%s","name":"orders","source":{"kind":"http","url":"%s"}}
                """.formatted(namespace, serve("/" + namespace + "/orders.csv", "id\n1\n")).strip();
        String id = given().auth().oauth2(adminToken).contentType("application/json").body(spec)
                .post("/api/v1/loads").then().statusCode(202).extract().path("id");
        // finished first, so that A's own reads answer the same before and after B's attempts
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> List.of(
                "succeeded", "failed").contains(
                        given().auth().oauth2(adminToken).get("/api/v1/loads/" + id).then()
                                .extract().path("status")));
        assertEquals("succeeded", given().auth().oauth2(adminToken).get("/api/v1/loads/" + id).then().extract()
                .path("status"));
        return List.of(Probe.read("load run", "/api/v1/loads/" + id),
                Probe.change("load", "POST", "/api/v1/loads", spec));
    }

    @Override
    protected List<String> listsOf(String other) {
        return List.of("/api/v1/loads?limit=500", "/api/v1/loads?namespace=" + other);
    }
}
