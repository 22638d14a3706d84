package dev.strata.auth.oidc;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.MultivaluedMap;

import dev.strata.auth.access.Caller;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.Principals;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.token.RefreshTokenRepository;
import dev.strata.auth.token.RefreshTokens;
import dev.strata.auth.token.TokenIssuer;
import dev.strata.auth.token.TokenIssuer.SignedToken;
import dev.strata.auth.user.User;
import dev.strata.auth.user.UserRepository;

/**
 * {@code grant_type=authorization_code}: a code is good once, for its client and redirect URI, with the verifier of
 * its PKCE challenge. The first attempt burns it, right or wrong; a second one revokes whatever the first issued.
 */
@ApplicationScoped
public class AuthorizationCodeGrant {

    private final AuthorizationCodeRepository codes;
    private final OAuthClients clients;
    private final UserRepository users;
    private final Principals principals;
    private final TokenIssuer issuer;
    private final RefreshTokens refreshTokens;
    private final RefreshTokenRepository refreshTokenRows;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    AuthorizationCodeGrant(AuthorizationCodeRepository codes, OAuthClients clients, UserRepository users,
            Principals principals, TokenIssuer issuer, RefreshTokens refreshTokens,
            RefreshTokenRepository refreshTokenRows, AuditLog audit) {
        this.codes = codes;
        this.clients = clients;
        this.users = users;
        this.principals = principals;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.refreshTokenRows = refreshTokenRows;
        this.audit = audit;
    }

    @Transactional(dontRollbackOn = OAuthException.class)
    public TokenResponse exchange(MultivaluedMap<String, String> form, String authorization) {
        String code = FormParams.required(form, "code");
        String redirectUri = FormParams.required(form, "redirect_uri");
        String verifier = FormParams.required(form, "code_verifier");
        String clientId = clients.authenticate(ClientCredentials.from(form, authorization)).id();
        AuthorizationCode row = codes.lockByHash(OpaqueTokens.hash(code))
                .orElseThrow(() -> OAuthException.invalidGrant("The authorization code is not known."));
        if (row.usedAt() != null) {
            int revoked = refreshTokenRows.revokeFamily(row.familyId());
            String actor = users.find(row.userId()).map(User::username).orElse(AuditLog.SYSTEM);
            audit.recordAs(actor, "authorization_code.reused", actor, null,
                    Map.of("client", row.clientId(), "session", row.familyId().toString(), "revoked", revoked));
            throw OAuthException.invalidGrant("The authorization code was already used; the tokens issued with it "
                    + "are revoked. Start the sign-in again.");
        }
        codes.markUsed(row.codeHash());
        if (!row.expiresAt().isAfter(clock.instant())) {
            throw OAuthException.invalidGrant("The authorization code has expired; start the sign-in again.");
        }
        if (!row.clientId().equals(clientId)) {
            throw OAuthException.invalidGrant("The authorization code was issued to another client.");
        }
        if (!row.redirectUri().equals(redirectUri)) {
            throw OAuthException.invalidGrant("redirect_uri is not the one of the authorization request.");
        }
        if (!Pkce.verify(verifier, row.codeChallenge())) {
            throw OAuthException.invalidGrant("code_verifier does not match the code_challenge of the authorization "
                    + "request (PKCE).");
        }
        return issueFor(row.userId(), clientId, row.familyId(), row.scope(), row.nonce(), row.createdAt());
    }

    /**
     * The tokens of a new sign-in of a user (refresh-token family {@code familyId}): access token, refresh token, and
     * an ID token when {@code scope} has openid. Also used by the device grant.
     */
    TokenResponse issueFor(UUID userId, String clientId, UUID familyId, String scope, String nonce, Instant authTime) {
        User user = users.find(userId).filter(u -> !u.disabled())
                .orElseThrow(() -> OAuthException.invalidGrant("The account is disabled or deleted."));
        Caller principal = principals.of(user);
        SignedToken access = issuer.accessToken(principal, issuer.lifespan(), clientId, familyId);
        String refresh = refreshTokens.issue(familyId, user.id(), clientId, null, scope);
        String idToken = Scopes.includesOpenId(scope)
                ? issuer.idToken(principal, user.email(), clientId, nonce, authTime, familyId)
                : null;
        return new TokenResponse(access.token(), TokenResponse.BEARER, access.expiresIn(), refresh,
                idToken, scope.isEmpty() ? null : scope, null);
    }
}
