package dev.strata.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import dev.strata.auth.access.Caller;
import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.key.SigningKeys;

/** Signs access and ID tokens (RS256, with the active key's {@code kid}) with SmallRye JWT. */
@ApplicationScoped
public class TokenIssuer {

    /** The audience of every access token. */
    public static final String AUDIENCE = "strata";
    public static final String NAMESPACES_CLAIM = "strata_ns";

    /** A signed token, when it was issued and when it expires. */
    public record SignedToken(String token, Instant issuedAt, Instant expiresAt) {

        /** Its lifetime in seconds: {@code expires_in} of the token response. */
        public long expiresIn() {
            return Duration.between(issuedAt, expiresAt).toSeconds();
        }
    }

    private final SigningKeys keys;
    private final String issuer;
    private final Duration lifespan;
    private final Clock clock = Clock.systemUTC();

    TokenIssuer(SigningKeys keys, AuthConfig config) {
        this.keys = keys;
        this.issuer = Issuer.normalize(config.issuer());
        this.lifespan = config.accessTokenLifespan();
    }

    public Duration lifespan() {
        return lifespan;
    }

    /**
     * An access token for the principal (ADR 0003 claims).
     *
     * @param clientId the client it was issued to ({@code azp}), or null
     * @param sessionId the sign-in it belongs to ({@code sid}: the refresh-token family), or null
     */
    public SignedToken accessToken(Caller principal, Duration lifetime, String clientId, UUID sessionId) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime.compareTo(lifespan) < 0 ? lifetime : lifespan);
        Map<String, String> namespaces = new LinkedHashMap<>();
        principal.namespaces().forEach((ns, role) -> namespaces.put(ns, role.claimValue()));
        JwtClaimsBuilder claims = Jwt.issuer(issuer).subject(principal.subject()).audience(AUDIENCE)
                .issuedAt(now).expiresAt(expiresAt).claim("jti", UUID.randomUUID().toString())
                .preferredUserName(principal.username()).groups(new LinkedHashSet<>(principal.groups()))
                .claim(NAMESPACES_CLAIM, namespaces);
        if (clientId != null) {
            claims.claim("azp", clientId);
        }
        if (sessionId != null) {
            claims.claim("sid", sessionId.toString());
        }
        return new SignedToken(sign(claims), now, expiresAt);
    }

    /**
     * An OpenID Connect ID token for a client that asked for the {@code openid} scope.
     *
     * @param authTime when the user signed in, or null (on refresh)
     */
    public String idToken(Caller user, String email, String clientId, String nonce, Instant authTime,
            UUID sessionId) {
        Instant now = clock.instant();
        JwtClaimsBuilder claims = Jwt.issuer(issuer).subject(user.subject()).audience(clientId).issuedAt(now)
                .expiresAt(now.plus(lifespan)).claim("jti", UUID.randomUUID().toString()).claim("azp", clientId)
                .preferredUserName(user.username()).claim("sid", sessionId.toString());
        if (authTime != null) {
            claims.claim("auth_time", authTime.getEpochSecond());
        }
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        if (email != null) {
            claims.claim("email", email);
        }
        return sign(claims);
    }

    private String sign(JwtClaimsBuilder claims) {
        SigningKeys.ActiveKey key = keys.active();
        return claims.jws().keyId(key.kid()).algorithm(SignatureAlgorithm.RS256).sign(key.privateKey());
    }
}
