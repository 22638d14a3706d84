package dev.strata.devstack.quarkus;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;

/**
 * The dev stack issuer's active signing key, read from the auth schema and unsealed with the stack's key-encryption
 * key: signs tokens that only the clock tells apart from the issuer's own (an expiry in the past, for the leeway
 * checks). For tests only; the issuer must have signed at least one token (it creates its key on first use).
 */
public final class IssuerKey {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String issuer;
    private final String kid;
    private final PrivateKey key;

    private IssuerKey(String issuer, String kid, PrivateKey key) {
        this.issuer = issuer;
        this.kid = kid;
        this.key = key;
    }

    public static IssuerKey of(DevStack stack) {
        try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB);
                PreparedStatement s = c.prepareStatement(
                        "SELECT kid, private_key FROM auth.signing_key WHERE retired_at IS NULL")) {
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("the issuer has no active signing key yet: get a token from it first");
                }
                String kid = rs.getString(1);
                byte[] pkcs8 = open(kid, rs.getString(2), stack.auth().keyEncryptionKey());
                PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                return new IssuerKey(stack.auth().issuer(), kid, key);
            }
        } catch (SQLException | GeneralSecurityException e) {
            throw new AssertionError("cannot read the issuer's signing key: " + e.getMessage(), e);
        }
    }

    /** A viewer-everywhere token of a service account, as the issuer signs them, that expires at {@code expiresAt}. */
    public String viewerTokenExpiringAt(Instant expiresAt) {
        String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience("strata");
        claims.setSubject("sa:" + name);
        claims.setClaim("preferred_username", name);
        claims.setStringListClaim("groups", List.of("viewer"));
        claims.setClaim("strata_ns", Map.of("*", "viewer"));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromSeconds(expiresAt.minusSeconds(300).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new AssertionError("cannot sign a token: " + e.getMessage(), e);
        }
    }

    /** Auth's {@code KeyEncryption}: {@code aes-gcm:} base64(iv ‖ ciphertext), the kid as associated data. */
    private static byte[] open(String kid, String stored, String keyEncryptionKey) throws GeneralSecurityException {
        if (stored.startsWith("plain:")) {
            return Base64.getDecoder().decode(stored.substring("plain:".length()));
        }
        byte[] in = Base64.getDecoder().decode(stored.substring("aes-gcm:".length()));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(keyEncryptionKey), "AES"),
                new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
        cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
    }
}
