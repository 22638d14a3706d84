package dev.strata.auth.oidc;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.MultivaluedMap;

import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.Principals;
import dev.strata.auth.serviceaccount.ServiceAccount;
import dev.strata.auth.serviceaccount.ServiceAccountRepository;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.token.TokenIssuer;
import dev.strata.auth.token.TokenIssuer.SignedToken;

/**
 * {@code grant_type=client_credentials} for service accounts: client id and secret by HTTP Basic
 * ({@code client_secret_basic}) or in the form ({@code client_secret_post}). No refresh token: the account asks
 * again. Every attempt is audited.
 */
@ApplicationScoped
public class ClientCredentialsGrant {

    private static final String WRONG = "The client id or secret is not correct.";

    private final ServiceAccountRepository accounts;
    private final Principals principals;
    private final TokenIssuer issuer;
    private final AuditLog audit;

    ClientCredentialsGrant(ServiceAccountRepository accounts, Principals principals, TokenIssuer issuer,
            AuditLog audit) {
        this.accounts = accounts;
        this.principals = principals;
        this.issuer = issuer;
        this.audit = audit;
    }

    @Transactional(dontRollbackOn = OAuthException.class)
    public TokenResponse issue(MultivaluedMap<String, String> form, String authorization) {
        ClientCredentials credentials = ClientCredentials.from(form, authorization);
        if (credentials.secret() == null) {
            throw OAuthException.invalidClient("client_credentials needs the service account's client_id and "
                    + "client_secret (HTTP Basic or form).");
        }
        Optional<ServiceAccount> account = accounts.findByClientId(credentials.clientId());
        String presented = OpaqueTokens.hash(credentials.secret());
        if (account.isEmpty() || !OpaqueTokens.sameHash(presented, account.get().secretHash())) {
            failed(credentials.clientId(), account.isEmpty() ? "unknown_client" : "wrong_secret");
            throw OAuthException.invalidClient(WRONG);
        }
        ServiceAccount sa = account.get();
        if (sa.disabled()) {
            failed(credentials.clientId(), "disabled");
            throw OAuthException.invalidClient("The service account is disabled.");
        }
        SignedToken access = issuer.accessToken(principals.of(sa), issuer.lifespan(), sa.clientId(), null);
        audit.recordAs(sa.subject(), "login.succeeded", sa.subject(), null, Map.of("grant", "client_credentials"));
        return new TokenResponse(access.token(), TokenResponse.BEARER, access.expiresIn(), null, null,
                null, null);
    }

    private void failed(String clientId, String reason) {
        String actor = clientId.length() > 100 ? clientId.substring(0, 100) : clientId;
        audit.recordAs(actor, "login.failed", actor, null, Map.of("grant", "client_credentials", "reason", reason));
    }
}
