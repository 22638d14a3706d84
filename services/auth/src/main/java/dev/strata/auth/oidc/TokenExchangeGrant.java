package dev.strata.auth.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.MultivaluedMap;

import dev.strata.auth.apitoken.ApiToken;
import dev.strata.auth.apitoken.ApiTokenRepository;
import dev.strata.auth.apitoken.ApiTokenService;
import dev.strata.auth.binding.Principals;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.token.TokenIssuer;
import dev.strata.auth.token.TokenIssuer.SignedToken;
import dev.strata.auth.user.User;
import dev.strata.auth.user.UserRepository;

/**
 * Token exchange (RFC 8693) of a personal API token for a short-lived access token of its user: what the gateway
 * does for a request carrying {@code strata_pat_...}. {@code subject_token_type} is
 * {@code urn:strata:params:oauth:token-type:api-token} or {@code urn:ietf:params:oauth:token-type:access_token} (an
 * API token is an opaque access token). No client authentication: the API token is the credential, and the JWT
 * carries no more than its user's rights.
 */
@ApplicationScoped
public class TokenExchangeGrant {

    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** The same, named for what it is: accepted as {@code subject_token_type} too. */
    public static final String API_TOKEN_TYPE = "urn:strata:params:oauth:token-type:api-token";
    private static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    private static final String REFUSED = "The API token is not known, has been revoked or has expired.";

    private final ApiTokenRepository tokens;
    private final UserRepository users;
    private final Principals principals;
    private final TokenIssuer issuer;
    private final Clock clock = Clock.systemUTC();

    TokenExchangeGrant(ApiTokenRepository tokens, UserRepository users, Principals principals, TokenIssuer issuer) {
        this.tokens = tokens;
        this.users = users;
        this.principals = principals;
        this.issuer = issuer;
    }

    @Transactional
    public TokenResponse exchange(MultivaluedMap<String, String> form) {
        String subjectToken = FormParams.required(form, "subject_token");
        String subjectTokenType = FormParams.required(form, "subject_token_type");
        String requested = FormParams.optional(form, "requested_token_type");
        if (!ACCESS_TOKEN_TYPE.equals(subjectTokenType) && !API_TOKEN_TYPE.equals(subjectTokenType)) {
            throw OAuthException.invalidRequest("subject_token_type must be " + API_TOKEN_TYPE + " or "
                    + ACCESS_TOKEN_TYPE + " (a personal API token).");
        }
        if (requested != null && !ACCESS_TOKEN_TYPE.equals(requested) && !JWT_TYPE.equals(requested)) {
            throw OAuthException.invalidRequest("requested_token_type can only be " + ACCESS_TOKEN_TYPE + ".");
        }
        if (!subjectToken.startsWith(ApiTokenService.PREFIX)) {
            throw OAuthException.invalidGrant("subject_token is not a Strata personal API token (strata_pat_...).");
        }
        Instant now = clock.instant();
        ApiToken token = tokens.findByHash(OpaqueTokens.hash(subjectToken)).filter(t -> t.usableAt(now))
                .orElseThrow(() -> OAuthException.invalidGrant(REFUSED));
        User user = users.find(token.userId()).filter(u -> !u.disabled())
                .orElseThrow(() -> OAuthException.invalidGrant("The API token's account is disabled."));
        tokens.touch(token.id());
        Duration left = Duration.between(now, token.expiresAt());
        SignedToken access = issuer.accessToken(principals.of(user), left, null, null);
        return new TokenResponse(access.token(), TokenResponse.BEARER, access.expiresIn(), null, null, null,
                ACCESS_TOKEN_TYPE);
    }
}
