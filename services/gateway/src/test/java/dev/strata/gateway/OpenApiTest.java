package dev.strata.gateway;

import static dev.strata.gateway.support.Gateway.configured;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.gateway.support.Gateway;
import dev.strata.gateway.support.TestUpstreams;

/** One API description at the gateway: the services' own, merged as reached through the gateway, and its viewer. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
class OpenApiTest {

    @Test
    void thePathsOfTwoServicesAppearWithTheGatewaysPrefixesAndTheirSchemasApart() {
        JsonObject doc = new JsonObject(given().get("/api/openapi").then().statusCode(200)
                .contentType(startsWith("application/json")).extract().asString());
        assertEquals("Strata API", doc.getJsonObject("info").getString("title"));
        JsonObject paths = doc.getJsonObject("paths");
        assertEquals(Set.of("/api/registry/v1/registry-things", "/api/ingest/v1/ingest-things"),
                paths.fieldNames(), "only what the gateway routes, as it routes it");

        JsonObject registryList = paths.getJsonObject("/api/registry/v1/registry-things").getJsonObject("get");
        assertEquals("registry_listThings", registryList.getString("operationId"));
        assertEquals("#/components/schemas/registry.Thing", registryList.getJsonObject("responses")
                .getJsonObject("200").getJsonObject("content").getJsonObject("application/json")
                .getJsonObject("schema").getJsonObject("items").getString("$ref"));
        assertEquals(List.of("registry"), registryList.getJsonArray("tags").getList());
        assertEquals("jwt", registryList.getJsonArray("security").getJsonObject(0).fieldNames().iterator().next(),
                "the service's global security requirement moved onto its operations");
        assertEquals(List.of("limit", "after"), registryList.getJsonArray("parameters").stream()
                .map(p -> ((JsonObject) p).getString("name")).toList(), "arrays keep their order");
        assertEquals("#/components/schemas/ingest.Thing", paths.getJsonObject("/api/ingest/v1/ingest-things")
                .getJsonObject("get").getJsonObject("responses").getJsonObject("200").getJsonObject("content")
                .getJsonObject("application/json").getJsonObject("schema").getJsonObject("items").getString("$ref"));

        JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
        assertEquals("registry", schemas.getJsonObject("registry.Thing").getJsonObject("properties")
                .getJsonObject("kind").getString("const"));
        assertEquals("ingest", schemas.getJsonObject("ingest.Thing").getJsonObject("properties")
                .getJsonObject("kind").getString("const"));
        assertTrue(doc.getJsonObject("components").getJsonObject("securitySchemes").containsKey("jwt"));
    }

    @Test
    void aServiceThatIsDownOrHasNoDescriptionIsReportedNotFatal() {
        JsonObject services = new JsonObject(given().get("/api/openapi").then().statusCode(200).extract().asString())
                .getJsonObject("x-strata-services");
        assertEquals("ok", services.getJsonObject("registry").getString("status"));
        assertEquals("Strata registry", services.getJsonObject("registry").getString("title"));
        assertEquals("ok", services.getJsonObject("ingest").getString("status"));
        assertEquals("unavailable", services.getJsonObject("scheduler").getString("status"));
        assertEquals("cannot be reached", services.getJsonObject("scheduler").getString("error"));
        assertEquals("not configured on this gateway", services.getJsonObject("notifier").getString("error"));
        // the stub issuer publishes no description
        assertEquals("unavailable", services.getJsonObject("auth").getString("status"));
        assertFalse(services.encode().contains("127.0.0.1"), "no address of a service in the answer");
    }

    @Test
    void theDescriptionIsStableSortedJsonSoACommittedCopyCanBeDiffed() {
        String first = given().get("/api/openapi").then().statusCode(200).extract().asString();
        String second = given().get("/api/openapi").then().statusCode(200).extract().asString();
        assertEquals(first, second);
        assertTrue(first.endsWith("}\n"), "one final newline");
        List<String> topLevel = new ArrayList<>(new JsonObject(first).fieldNames());
        assertEquals(new ArrayList<>(new TreeSet<>(topLevel)), topLevel, "keys in order");
        List<String> schemaNames = new ArrayList<>(new JsonObject(first).getJsonObject("components")
                .getJsonObject("schemas").fieldNames());
        assertEquals(List.of("ingest.Thing", "registry.Thing"), schemaNames);
    }

    @Test
    void theDescriptionsAreFetchedOnceAndAgainAfterTheRetryInterval() throws Exception {
        String counter = configured("strata.services.registry.url") + "/__openapi-requests";
        // a description with a missing service (the scheduler is down) is kept for strata.gateway.openapi.retry (3s)
        Thread.sleep(3_100);
        given().get("/api/openapi").then().statusCode(200);
        long afterRefresh = Gateway.getJson(counter).getLong("count");
        given().get("/api/openapi").then().statusCode(200);
        given().get("/api/openapi").then().statusCode(200);
        assertEquals(afterRefresh, Gateway.getJson(counter).getLong("count"), "served from the cache");
        Thread.sleep(3_100);
        given().get("/api/openapi").then().statusCode(200);
        assertEquals(afterRefresh + 1, Gateway.getJson(counter).getLong("count"), "fetched again");
    }

    @Test
    void theViewerIsSwaggerUiWithoutInlineScriptUnderTheGatewaysPolicy() {
        Response page = given().redirects().follow(false).get("/api-docs");
        assertEquals(302, page.statusCode());
        assertEquals("/api-docs/", page.header("Location").replaceFirst("^https?://[^/]+", ""));
        String html = given().get("/api-docs/").then().statusCode(200)
                .header("Content-Security-Policy", startsWith("default-src 'self'"))
                .contentType(startsWith("text/html")).extract().asString();
        assertTrue(html.contains("<script src=\"api-docs.js\""), html);
        assertFalse(html.matches("(?s).*<script>.*"), "no inline script: the policy would block it");
        assertFalse(html.contains("<style"), "no inline style");
        given().get("/api-docs/api-docs.js").then().statusCode(200).body(containsString("url: '/api/openapi'"));
        given().get("/openapi-ui/swagger-ui-bundle.js").then().statusCode(200)
                .header("Content-Security-Policy", is(given().get("/api-docs/").header("Content-Security-Policy")));
    }

    @Test
    void onlyGetReadsTheDescription() {
        given().post("/api/openapi").then().statusCode(405).contentType(startsWith("application/problem+json"))
                .header("Allow", "GET, HEAD");
    }
}
