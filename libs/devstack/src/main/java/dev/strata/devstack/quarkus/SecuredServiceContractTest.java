package dev.strata.devstack.quarkus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * The contract of a service that checks Strata bearer tokens (libs/security) against the real issuer of the dev
 * stack's {@code auth} component: {@code /api} refuses anonymous callers and forged tokens, refuses a missing role
 * with a problem (403), and accepts an expired token only within the platform's one leeway
 * ({@code strata.security.token-leeway-seconds}).
 */
public abstract class SecuredServiceContractTest extends ServiceContractTest {

    private static final String API = "/api/v1/access";

    @Override
    protected Optional<String> securedApiPath() {
        return Optional.of(API);
    }

    @Test
    void aSuccessfulApiAnswerIsNeverStored() {
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of("*", "viewer"));
        given().auth().oauth2(token).get(API).then().statusCode(200)
                .header("Cache-Control", containsString("no-store"));
    }

    @Test
    void aTokenWithoutTheNeededRoleIsAForbiddenProblem() {
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of());
        refusal(given().auth().oauth2(token).get(API), 403).body("type", equalTo("urn:strata:problem:forbidden"));
    }

    @Test
    void anExpiredTokenIsAcceptedWithinTheLeewayAndRefusedBeyondIt() {
        int leeway = ConfigProvider.getConfig().getValue("strata.security.token-leeway-seconds", Integer.class);
        assertTrue(leeway >= 10, "a leeway this small cannot be tested: " + leeway);
        new IssuerClient(stack.auth()).adminToken(); // the issuer creates its signing key on first use
        IssuerKey key = IssuerKey.of(stack);
        Instant now = Instant.now();
        given().auth().oauth2(key.viewerTokenExpiringAt(now.minusSeconds(leeway / 2))).get(API).then()
                .statusCode(200).body("namespaces.'*'", equalTo("viewer"));
        refusal(given().auth().oauth2(key.viewerTokenExpiringAt(now.minusSeconds(leeway + 10))).get(API), 401)
                .header("WWW-Authenticate", containsString("invalid_token"));
    }

    @Test
    void aTokenFromTheIssuerIsAcceptedWithItsNamespaceRoles() {
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of("sales", "engineer", "*", "viewer"));
        given().auth().oauth2(token).get(API).then().statusCode(200)
                .body("principal", org.hamcrest.Matchers.startsWith("test-"))
                .body("namespaces.sales", org.hamcrest.Matchers.equalTo("engineer"))
                .body("namespaces.'*'", org.hamcrest.Matchers.equalTo("viewer"));
    }

    @Test
    void aTokenOfAnotherNamespaceGrantsNothingHere() {
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of("hr", "admin"));
        given().auth().oauth2(token).get(API).then().statusCode(200)
                .body("namespaces.hr", org.hamcrest.Matchers.equalTo("admin"))
                .body("namespaces.sales", org.hamcrest.Matchers.nullValue())
                .body("namespaces.'*'", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void apiRefusesCallsWithoutAToken() {
        given().get(API).then().statusCode(401);
    }

    @Test
    void apiRefusesAnUnsignedToken() {
        String header = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String body = base64("{\"iss\":\"" + stack.auth().issuer() + "\",\"sub\":\"mallory\",\"aud\":\"strata\","
                + "\"groups\":[\"admin\"],\"strata_ns\":{\"*\":\"admin\"},\"exp\":"
                + Instant.now().plusSeconds(600).getEpochSecond() + "}");
        given().auth().oauth2(header + "." + body + ".").get(API).then().statusCode(401);
    }

    @Test
    void apiRefusesATokenSignedByAnotherKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(stack.auth().issuer());
        claims.setSubject("mallory");
        claims.setAudience("strata");
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setIssuedAtToNow();
        claims.setStringListClaim("groups", "admin");
        claims.setClaim("strata_ns", Map.of("*", "admin"));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setKeyIdHeaderValue("forged");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        given().auth().oauth2(jws.getCompactSerialization()).get(API).then().statusCode(401);
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
    }
}
