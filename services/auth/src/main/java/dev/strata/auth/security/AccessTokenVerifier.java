package dev.strata.auth.security;

import java.security.Key;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.access.Role;
import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.key.SigningKeys;
import dev.strata.auth.token.Issuer;
import dev.strata.auth.token.TokenIssuer;

/**
 * Checks the tokens this issuer signed, locally with its own published keys (jose4j): RS256 only (so {@code alg:
 * none} and HMAC tricks fail), a known {@code kid}, a valid signature, not expired, this issuer, audience
 * {@code strata}, with the platform's one expiry leeway.
 */
@ApplicationScoped
public class AccessTokenVerifier {

    private final JwtConsumer accessTokens;
    private final JwtConsumer idTokenHints;
    private final String issuer;

    /**
     * @param leewaySeconds how long after {@code exp} a token is still accepted: the one leeway of every service
     *        ({@code strata.security.token-leeway-seconds}, libs/web)
     */
    AccessTokenVerifier(SigningKeys keys, AuthConfig config,
            @ConfigProperty(name = "strata.security.token-leeway-seconds") int leewaySeconds) {
        this.issuer = Issuer.normalize(config.issuer());
        VerificationKeyResolver resolver = (jws, nesting) -> {
            Optional<? extends Key> key = keys.verificationKey(jws.getKeyIdHeaderValue());
            return key.orElseThrow(() -> new UnresolvableKeyException("no published key with this kid"));
        };
        this.accessTokens = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(resolver)
                .setRequireExpirationTime().setRequireIssuedAt().setRequireSubject().setRequireJwtId()
                .setAllowedClockSkewInSeconds(leewaySeconds)
                .setExpectedIssuer(issuer).setExpectedAudience(TokenIssuer.AUDIENCE)
                .build();
        // an id_token_hint may have expired (OIDC RP-initiated logout); signature and issuer still count
        this.idTokenHints = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(resolver)
                .setSkipAllDefaultValidators()
                .build();
    }

    /**
     * The principal of a valid access token.
     *
     * @throws InvalidTokenException with a sentence saying why the token is refused
     */
    public Caller verify(String token) {
        try {
            return callerOf(accessTokens.processToClaims(token));
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(reason(e));
        } catch (MalformedClaimException | IllegalArgumentException e) {
            throw new InvalidTokenException("The access token's claims are malformed.");
        }
    }

    /** The claims of an ID token this issuer signed (possibly expired), for {@code /oauth2/logout}. */
    public Optional<JwtClaims> verifyIdTokenHint(String idToken) {
        try {
            JwtClaims claims = idTokenHints.processToClaims(idToken);
            return issuer.equals(claims.getIssuer()) ? Optional.of(claims) : Optional.empty();
        } catch (InvalidJwtException | MalformedClaimException e) {
            return Optional.empty();
        }
    }

    private static Caller callerOf(JwtClaims claims) throws MalformedClaimException {
        String subject = claims.getSubject();
        PrincipalKind kind = subject.startsWith(Caller.SERVICE_ACCOUNT_PREFIX)
                ? PrincipalKind.SERVICE_ACCOUNT
                : PrincipalKind.USER;
        String username = claims.getStringClaimValue("preferred_username");
        Map<String, Role> namespaces = new LinkedHashMap<>();
        Map<String, Object> claim = claims.getClaimValue(TokenIssuer.NAMESPACES_CLAIM, Map.class);
        if (claim != null) {
            claim.forEach((ns, role) -> Role.parse(String.valueOf(role)).ifPresent(r -> namespaces.put(ns, r)));
        }
        Caller caller = new Caller(subject, username == null ? subject : username, kind, namespaces);
        caller.userId(); // a user's subject must be a user id
        return caller;
    }

    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "The access token has expired; get a new one.";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "The access token was not issued by this issuer.";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "The access token is not meant for Strata (audience).";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return "The access token is not signed by one of this issuer's keys.";
        }
        return "The access token is malformed or not signed by one of this issuer's keys (RS256).";
    }
}
