package dev.strata.auth.oidc;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.apitoken.ApiToken;
import dev.strata.auth.apitoken.ApiTokenRepository;
import dev.strata.auth.apitoken.ApiTokenService;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.token.RefreshToken;
import dev.strata.auth.token.RefreshTokenRepository;
import dev.strata.auth.user.User;
import dev.strata.auth.user.UserRepository;

/** Revokes what {@code /oauth2/revoke} and {@code /oauth2/logout} are given, and audits it. */
@ApplicationScoped
public class Revocations {

    private final RefreshTokenRepository refreshTokens;
    private final ApiTokenRepository apiTokens;
    private final UserRepository users;
    private final AuditLog audit;
    private final OAuthClients clients;

    Revocations(RefreshTokenRepository refreshTokens, ApiTokenRepository apiTokens, UserRepository users,
            AuditLog audit, OAuthClients clients) {
        this.refreshTokens = refreshTokens;
        this.apiTokens = apiTokens;
        this.users = users;
        this.audit = audit;
        this.clients = clients;
    }

    /**
     * RFC 7009: a refresh token revokes its whole family (the sign-in), an API token itself. Unknown tokens and
     * access tokens (they expire on their own) are accepted silently.
     *
     * @param client the authenticated client, or null when the request named none (a public client may omit it)
     */
    @Transactional
    public void revoke(String token, PublicClient client) {
        if (token.startsWith(ApiTokenService.PREFIX)) {
            Optional<ApiToken> apiToken = apiTokens.findByHash(OpaqueTokens.hash(token));
            if (apiToken.isPresent() && apiTokens.revoke(apiToken.get().id())) {
                String actor = username(apiToken.get().userId());
                audit.recordAs(actor, "api_token.revoked", apiToken.get().name(), null,
                        Map.of("id", apiToken.get().id().toString(), "prefix", apiToken.get().prefix(),
                                "via", "oauth2/revoke"));
            }
            return;
        }
        Optional<RefreshToken> refresh = refreshTokens.lockByHash(OpaqueTokens.hash(token));
        if (refresh.isEmpty()) {
            return;
        }
        String owner = refresh.get().clientId();
        if (client != null && !client.id().equals(owner)) {
            throw OAuthException.unauthorizedClient("This token was issued to another client.");
        }
        if (client == null && clients.find(owner).map(c -> c.secret().isPresent()).orElse(false)) {
            throw OAuthException.invalidClient("This token's client is confidential: authenticate it to revoke.");
        }
        endSession(refresh.get().familyId(), refresh.get().userId(), refresh.get().clientId(), "token.revoked");
    }

    /** Ends a sign-in: every refresh token of its family stops working. */
    @Transactional
    public void endSession(UUID familyId, UUID userId, String clientId, String action) {
        int revoked = refreshTokens.revokeFamily(familyId);
        String actor = username(userId);
        audit.recordAs(actor, action, actor, null,
                Map.of("client", clientId == null ? "" : clientId, "session", familyId.toString(), "revoked", revoked));
    }

    private String username(UUID userId) {
        return users.find(userId).map(User::username).orElse(AuditLog.SYSTEM);
    }
}
