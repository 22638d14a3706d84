package dev.strata.gateway;

import static dev.strata.gateway.support.Gateway.configured;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.gateway.support.Gateway;
import dev.strata.gateway.support.StubIssuer;
import dev.strata.gateway.support.TestUpstreams;
import dev.strata.gateway.token.Credentials;

/** Personal API tokens: exchanged at the issuer for a JWT, the JWT forwarded and reused for the cache time (8 s here: long enough for two requests on a loaded machine). */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
class ApiTokenTest {

    @Test
    void anApiTokenIsExchangedOnceForAJwtThatTheServiceReceives() throws Exception {
        int before = exchanges();
        String first = forwardedAuthorization();
        assertFalse(first.contains(Credentials.API_TOKEN_PREFIX), "the service never sees the API token");
        assertEquals(StubIssuer.API_TOKEN_USER, subject(first));
        assertEquals(first, forwardedAuthorization(), "the JWT is reused while cached");
        assertEquals(before + 1, exchanges());

        Thread.sleep(8_200);
        // expired from the cache: concurrent requests share one new exchange
        List<CompletableFuture<String>> concurrent = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(this::forwardedAuthorization)).toList();
        concurrent.forEach(CompletableFuture::join);
        assertEquals(before + 2, exchanges());
    }

    @Test
    void aRevokedApiTokenIs401ProblemDetails() {
        given().header("Authorization", "Bearer " + StubIssuer.REVOKED_API_TOKEN)
                .get("/api/registry/v1/datasets").then().statusCode(401)
                .contentType(startsWith("application/problem+json"))
                .body("status", is(401))
                .body("detail", containsString("API token was not accepted"));
    }

    private String forwardedAuthorization() {
        return given().header("Authorization", "Bearer " + StubIssuer.VALID_API_TOKEN)
                .get("/api/registry/v1/datasets").then().statusCode(200)
                .extract().path("headers.authorization");
    }

    private static int exchanges() {
        return Gateway.getJson(configured("strata.auth.issuer") + "/__stats").getInteger("exchanges");
    }

    private static String subject(String authorization) {
        String jwt = authorization.substring("Bearer ".length());
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                StandardCharsets.UTF_8)).getString("sub");
    }
}
