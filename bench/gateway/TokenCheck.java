import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;

/**
 * The cost of checking one Strata access token, as every service (and the gateway, for bearer tokens on its own pages)
 * does per request: an RS256 JWT (2048-bit key, ADR 0003 claims) verified with jose4j, the library quarkus-oidc uses,
 * with the same checks (signature by the key its {@code kid} names in the JWKS, RS256 only, issuer, audience, expiry).
 * No JMH: 5 batches of 50,000 checks after 50,000 for warm-up; prints the median microseconds per check.
 */
public class TokenCheck {

    public static void main(String[] args) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        RsaJsonWebKey jwk = new RsaJsonWebKey((java.security.interfaces.RSAPublicKey) keys.getPublic());
        jwk.setKeyId("strata-1");
        jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        String issuer = "https://strata.example.com";

        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(UUID.randomUUID().toString());
        claims.setAudience("strata");
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setIssuedAtToNow();
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("preferred_username", "alice");
        claims.setStringListClaim("groups", "viewer", "engineer");
        claims.setClaim("strata_ns", Map.of("sales", "engineer", "*", "viewer"));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setKeyIdHeaderValue("strata-1");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        String token = jws.getCompactSerialization();

        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwk).getJsonWebKeys()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedIssuer(issuer)
                .setExpectedAudience("strata")
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(30)
                .build();

        int batch = 50_000;
        check(consumer, token, batch);
        List<Double> micros = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            check(consumer, token, batch);
            micros.add((System.nanoTime() - start) / 1_000.0 / batch);
        }
        Collections.sort(micros);
        System.out.printf(java.util.Locale.ROOT, "%.1f%n", micros.get(2));
    }

    private static void check(JwtConsumer consumer, String token, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            if (consumer.processToClaims(token).getSubject() == null) {
                throw new IllegalStateException("no subject");
            }
        }
    }
}
