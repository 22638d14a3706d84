package dev.strata.auth.oidc;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.MultivaluedMap;

import dev.strata.auth.access.Caller;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.Principals;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.token.RefreshToken;
import dev.strata.auth.token.RefreshTokenRepository;
import dev.strata.auth.token.RefreshTokens;
import dev.strata.auth.token.TokenIssuer;
import dev.strata.auth.token.TokenIssuer.SignedToken;
import dev.strata.auth.user.User;
import dev.strata.auth.user.UserRepository;

/**
 * {@code grant_type=refresh_token} with rotation: each refresh token works once and is replaced by a new one of the
 * same family. Presenting a used one again means it leaked: the whole family (the sign-in) is revoked, the newest
 * token included, and the event is audited.
 */
@ApplicationScoped
public class RefreshTokenGrant {

    private final RefreshTokenRepository rows;
    private final RefreshTokens refreshTokens;
    private final OAuthClients clients;
    private final UserRepository users;
    private final Principals principals;
    private final TokenIssuer issuer;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    RefreshTokenGrant(RefreshTokenRepository rows, RefreshTokens refreshTokens, OAuthClients clients,
            UserRepository users, Principals principals, TokenIssuer issuer, AuditLog audit) {
        this.rows = rows;
        this.refreshTokens = refreshTokens;
        this.clients = clients;
        this.users = users;
        this.principals = principals;
        this.issuer = issuer;
        this.audit = audit;
    }

    @Transactional(dontRollbackOn = OAuthException.class)
    public TokenResponse refresh(MultivaluedMap<String, String> form, String authorization) {
        String token = FormParams.required(form, "refresh_token");
        String clientId = clients.authenticate(ClientCredentials.from(form, authorization)).id();
        RefreshToken row = rows.lockByHash(OpaqueTokens.hash(token))
                .orElseThrow(() -> OAuthException.invalidGrant("The refresh token is not known."));
        if (!row.clientId().equals(clientId)) {
            throw OAuthException.invalidGrant("The refresh token was issued to another client.");
        }
        User user = users.find(row.userId())
                .orElseThrow(() -> OAuthException.invalidGrant("The account no longer exists."));
        if (row.usedAt() != null) {
            int revoked = rows.revokeFamily(row.familyId());
            audit.recordAs(user.username(), "refresh_token.reused", user.username(), null,
                    Map.of("client", clientId, "session", row.familyId().toString(), "revoked", revoked));
            throw OAuthException.invalidGrant("This refresh token was already used, so it may have leaked: the "
                    + "session is revoked. Sign in again.");
        }
        if (row.revokedAt() != null) {
            throw OAuthException.invalidGrant("The refresh token has been revoked; sign in again.");
        }
        if (!row.expiresAt().isAfter(clock.instant())) {
            throw OAuthException.invalidGrant("The refresh token has expired; sign in again.");
        }
        if (user.disabled()) {
            rows.revokeFamily(row.familyId());
            throw OAuthException.invalidGrant("The account is disabled.");
        }
        rows.markUsed(row.id());
        Caller principal = principals.of(user);
        SignedToken access = issuer.accessToken(principal, issuer.lifespan(), clientId, row.familyId());
        String next = refreshTokens.issue(row.familyId(), user.id(), clientId, row.id(), row.scope());
        String idToken = Scopes.includesOpenId(row.scope())
                ? issuer.idToken(principal, user.email(), clientId, null, null, row.familyId())
                : null;
        return new TokenResponse(access.token(), TokenResponse.BEARER, access.expiresIn(), next,
                idToken, row.scope().isEmpty() ? null : row.scope(), null);
    }
}
