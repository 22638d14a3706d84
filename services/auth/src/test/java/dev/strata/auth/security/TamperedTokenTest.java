package dev.strata.auth.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import dev.strata.auth.key.SigningKeys;
import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Jwts;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;

/** Forged and broken bearer tokens on an /api/v1 endpoint: each is refused with 401 and a reason. */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class TamperedTokenTest {

    private static final String ENDPOINT = "/api/v1/namespaces";

    @Inject
    SigningKeys keys;

    private String valid;

    @BeforeEach
    void signIn() {
        valid = Admin.token();
        get(valid).statusCode(200);
    }

    @Test
    void algNoneIsRefused() {
        String[] parts = valid.split("\\.");
        String unsigned = Jwts.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        refused(unsigned);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey attackerKey = generator.generateKeyPair().getPrivate();
        String kid = Jwts.header(valid).getString("kid");
        // same claims, same kid, the attacker's key
        refused(claims(Oidc.ISSUER, "strata", Instant.now().plusSeconds(300)).jws().keyId(kid)
                .algorithm(SignatureAlgorithm.RS256).sign(attackerKey)).body("detail", containsString("signed"));
        // or an unknown kid
        refused(claims(Oidc.ISSUER, "strata", Instant.now().plusSeconds(300)).jws().keyId("attacker")
                .algorithm(SignatureAlgorithm.RS256).sign(attackerKey));
    }

    @Test
    void hmacWithThePublicKeyAsSecretIsRefused() throws Exception {
        // the classic algorithm confusion: HS256 keyed with the issuer's public key
        String header = Jwts.encode("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\""
                + Jwts.header(valid).getString("kid") + "\"}");
        String payload = valid.split("\\.")[1];
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keys.verificationKey(Jwts.header(valid).getString("kid")).orElseThrow()
                .getEncoded(), "HmacSHA256"));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
        refused(header + "." + payload + "." + signature);
    }

    @Test
    void anExpiredTokenIsRefused() {
        refused(signedByIssuer(Oidc.ISSUER, "strata", Instant.now().minusSeconds(120)))
                .body("detail", containsString("expired"));
    }

    @Test
    void anExpiredTokenIsAcceptedOnlyWithinThePlatformsLeeway() {
        int leeway = ConfigProvider.getConfig().getValue("strata.security.token-leeway-seconds", Integer.class);
        get(signedByIssuer(Oidc.ISSUER, "strata", Instant.now().minusSeconds(leeway / 2))).statusCode(200);
        refused(signedByIssuer(Oidc.ISSUER, "strata", Instant.now().minusSeconds(leeway + 10)))
                .body("detail", containsString("expired"));
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() {
        refused(signedByIssuer("https://evil.example", "strata", Instant.now().plusSeconds(300)))
                .body("detail", containsString("issuer"));
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        refused(signedByIssuer(Oidc.ISSUER, "some-other-api", Instant.now().plusSeconds(300)))
                .body("detail", containsString("audience"));
    }

    @Test
    void anEditedPayloadIsRefused() {
        String[] parts = valid.split("\\.");
        String payload = Jwts.decode(parts[1]).replace("\"strata_ns\":{", "\"strata_ns\":{\"forged\":\"admin\",");
        refused(parts[0] + "." + Jwts.encode(payload) + "." + parts[2]);
    }

    @Test
    void missingOrGarbageTokensAreRefused() {
        given().get(ENDPOINT).then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        refused("not.a.jwt");
    }

    private ValidatableResponse refused(String token) {
        UsedSecrets.add(token);
        return get(token).statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("invalid_token")).body("status", equalTo(401));
    }

    private static ValidatableResponse get(String token) {
        return Oidc.bearer(token).get(ENDPOINT).then();
    }

    /** A token with the admin's claims, signed with the issuer's real active key, with one thing changed. */
    private String signedByIssuer(String issuer, String audience, Instant expiresAt) {
        SigningKeys.ActiveKey key = keys.active();
        return claims(issuer, audience, expiresAt).jws().keyId(key.kid()).algorithm(SignatureAlgorithm.RS256)
                .sign(key.privateKey());
    }

    private JwtClaimsBuilder claims(String issuer, String audience, Instant expiresAt) {
        var claims = Jwts.payload(valid);
        return Jwt.issuer(issuer).subject(claims.getString("sub")).audience(audience)
                .issuedAt(expiresAt.minusSeconds(600)).expiresAt(expiresAt).claim("jti", UUID.randomUUID().toString())
                .preferredUserName(claims.getString("preferred_username"))
                .groups(Set.copyOf(claims.getList("groups", String.class)))
                .claim("strata_ns", Map.of("*", "admin"));
    }
}
