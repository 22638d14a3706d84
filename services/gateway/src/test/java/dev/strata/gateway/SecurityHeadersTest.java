package dev.strata.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.gateway.support.StubIssuer;
import dev.strata.gateway.support.TestUpstreams;

/** Security headers on every answer, HSTS only behind TLS, and CORS by configuration. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
class SecurityHeadersTest {

    private static final String ALLOWED_ORIGIN = "https://ui.example.test";

    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        List<Response> answers = List.of(
                given().get("/api/registry/v1/datasets"),
                given().get("/api/nothing-here/v1"),
                given().get("/q/health/live"),
                given().redirects().follow(false).get("/ui/"));
        for (Response answer : answers) {
            answer.then()
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Content-Type-Options", is("nosniff"))
                    .header("Referrer-Policy", is("same-origin"))
                    .header("X-Frame-Options", is("DENY"))
                    .header("Strict-Transport-Security", nullValue())
                    .header("X-Request-Id", startsWith(""));
        }
    }

    @Test
    void everyApiAnswerIsNeverStored() {
        given().get("/api/registry/v1/datasets").then().statusCode(200).header("Cache-Control", is("no-store"));
        given().get("/api/nothing-here/v1").then().statusCode(404).header("Cache-Control", is("no-store"))
                .contentType(startsWith("application/problem+json"))
                .body("type", is("urn:strata:problem:not-found"));
    }

    @Test
    void everyRefusalOfTheGatewayIsAProblemWithAChallengeAndNeverStored() {
        Response revoked = given().header("Authorization", "Bearer " + StubIssuer.REVOKED_API_TOKEN)
                .get("/api/registry/v1/datasets");
        refusal(revoked, 401).header("WWW-Authenticate", is("Bearer error=\"invalid_token\""))
                .body("type", is("urn:strata:problem:invalid-token"));
        assertFalse(revoked.asString().contains(StubIssuer.REVOKED_API_TOKEN), revoked.asString());

        refusal(given().cookie("q_session", "forged-session-reference").get("/api/registry/v1/datasets"), 401)
                .header("WWW-Authenticate", startsWith("Bearer"));

        // a cookie-authenticated write without the CSRF token
        refusal(given().cookie("q_session", "whatever").post("/api/ingest/v1/loads"), 403)
                .body("type", is("urn:strata:problem:forbidden"))
                .body("detail", containsString("X-CSRF-Token"));
    }

    private static ValidatableResponse refusal(Response answer, int status) {
        return answer.then().statusCode(status).contentType(startsWith("application/problem+json"))
                .header("Cache-Control", is("no-store")).body("status", is(status))
                .body("title", not(emptyOrNullString())).body("detail", not(emptyOrNullString()));
    }

    @Test
    void theGatewaysPolicyReplacesAServicesOwn() {
        Response answer = given().get("/api/registry/v1/datasets");
        answer.then().statusCode(200).header("X-Served-By", "registry");
        assertEquals(List.of("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self';"
                + " object-src 'none'"), answer.headers().getValues("Content-Security-Policy"));
    }

    @Test
    void strictTransportSecurityOnlyWhenTheRequestCameOverTls() {
        given().header("X-Forwarded-Proto", "https").get("/api/registry/v1/datasets").then().statusCode(200)
                .header("Strict-Transport-Security", startsWith("max-age=31536000"))
                .body("headers.'x-forwarded-proto'", is("https"));
        given().header("X-Forwarded-Proto", "http").get("/api/registry/v1/datasets").then().statusCode(200)
                .header("Strict-Transport-Security", nullValue());
    }

    @Test
    void aConfiguredOriginMayCallWithCredentials() {
        given().header("Origin", ALLOWED_ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, x-csrf-token")
                .options("/api/registry/v1/datasets").then().statusCode(204)
                .header("Access-Control-Allow-Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("X-CSRF-Token"));
        given().header("Origin", ALLOWED_ORIGIN).get("/api/registry/v1/datasets").then().statusCode(200)
                .header("Access-Control-Allow-Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Expose-Headers", containsString("X-Request-Id"));
    }

    @Test
    void anyOtherOriginGetsNoCorsHeadersAndItsPreflightIsRefused() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "DELETE")
                .options("/api/registry/v1/datasets").then().statusCode(403)
                .contentType(startsWith("application/problem+json"))
                .body("detail", containsString("STRATA_GATEWAY_CORS_ORIGINS"));
        given().header("Origin", "https://evil.example").get("/api/registry/v1/datasets").then()
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
