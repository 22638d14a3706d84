package dev.strata.devstack.quarkus;

import static io.restassured.RestAssured.given;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * The contract of a service that checks Strata bearer tokens (libs/security) against the real issuer of the dev
 * stack's {@code auth} component: {@code /api} refuses anonymous callers and forged tokens.
 */
public abstract class SecuredServiceContractTest extends ServiceContractTest {

    private static final String API = "/api/v1/access";

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
