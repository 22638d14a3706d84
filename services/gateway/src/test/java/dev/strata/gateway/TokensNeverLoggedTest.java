package dev.strata.gateway;

import static dev.strata.gateway.support.Gateway.configured;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.gateway.support.Gateway;
import dev.strata.gateway.support.StubIssuer;
import dev.strata.gateway.support.TestUpstreams;

/**
 * Runs last and reads the gateway's whole test log ({@code target/gateway-test.log}): no API token, no JWT, no
 * refresh token or authorization code the issuer handed out, no session reference may appear in it, even after the
 * failures that do get logged.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
@Order(Integer.MAX_VALUE)
class TokensNeverLoggedTest {

    private static final Path LOG = Path.of("target", "gateway-test.log");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");

    @Test
    void theLogHoldsNoTokenNorSecret() throws Exception {
        // failures that are logged, each carrying a credential
        String requestId = "log-check-" + System.nanoTime();
        given().header("X-Request-Id", requestId).header("Authorization", "Bearer " + StubIssuer.VALID_API_TOKEN)
                .get("/api/scheduler/v1/schedules").then().statusCode(502);
        given().header("Authorization", "Bearer " + StubIssuer.REVOKED_API_TOKEN).get("/api/registry/v1/x").then()
                .statusCode(401);
        given().header("Authorization", "Bearer " + Gateway.unsignedJwt("log-check")).get("/api/scheduler/v1/x")
                .then().statusCode(502);
        given().header("Cookie", "q_session=log-check-session-reference").get("/api/registry/v1/x").then()
                .statusCode(401);

        String log = Files.readString(LOG, StandardCharsets.UTF_8);
        assertTrue(log.contains(requestId),
                "the log should be the gateway's live log, with the failure of " + requestId);

        List<String> secrets = new ArrayList<>(List.of(StubIssuer.VALID_API_TOKEN, StubIssuer.REVOKED_API_TOKEN,
                "strata_pat_", "log-check-session-reference"));
        Gateway.getJson(configured("strata.auth.issuer") + "/__issued").getJsonArray("tokens")
                .forEach(token -> secrets.add((String) token));
        assertTrue(secrets.size() > 4, "the other tests should have signed in and exchanged tokens");
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "the log contains a secret starting with "
                    + secret.substring(0, Math.min(12, secret.length())));
        }
        Matcher jwt = JWT.matcher(log);
        assertFalse(jwt.find(), () -> "the log contains a JWT: " + jwt.group().substring(0, 20) + "...");
    }
}
