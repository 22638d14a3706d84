package dev.strata.auth.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.MultivaluedMap;

import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.user.User;
import dev.strata.auth.user.UserRepository;

/**
 * {@code grant_type=urn:ietf:params:oauth:grant-type:device_code} (RFC 8628 §3.4–3.5): the polling client gets
 * {@code authorization_pending} until a person approved the user code, {@code slow_down} (and an interval 5 s longer)
 * when it polls faster than its interval, {@code access_denied} after a denial, {@code expired_token} once the code
 * expired; after an approval, tokens once (a second exchange is {@code invalid_grant}).
 */
@ApplicationScoped
public class DeviceCodeGrant {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
    private static final int SLOW_DOWN_SECONDS = 5;

    private final DeviceAuthorizationRepository devices;
    private final OAuthClients clients;
    private final AuthorizationCodeGrant tokens;
    private final UserRepository users;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    DeviceCodeGrant(DeviceAuthorizationRepository devices, OAuthClients clients, AuthorizationCodeGrant tokens,
            UserRepository users, AuditLog audit) {
        this.devices = devices;
        this.clients = clients;
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
    }

    @Transactional(dontRollbackOn = OAuthException.class)
    public TokenResponse exchange(MultivaluedMap<String, String> form, String authorization) {
        String deviceCode = FormParams.required(form, "device_code");
        String clientId = clients.authenticate(ClientCredentials.from(form, authorization)).id();
        DeviceAuthorization row = devices.lockByDeviceCode(OpaqueTokens.hash(deviceCode))
                .orElseThrow(() -> OAuthException.invalidGrant("The device code is not known."));
        if (!row.clientId().equals(clientId)) {
            throw OAuthException.invalidGrant("The device code was issued to another client.");
        }
        Instant now = clock.instant();
        if (!row.expiresAt().isAfter(now)) {
            throw new OAuthException(400, "expired_token", "The device code has expired; start the sign-in again.");
        }
        switch (row.status()) {
            case DeviceAuthorization.DENIED -> throw new OAuthException(400, "access_denied",
                    "The sign-in was denied at the verification page.");
            case DeviceAuthorization.USED -> throw OAuthException.invalidGrant("The device code was already used;"
                    + " start the sign-in again.");
            case DeviceAuthorization.PENDING -> {
                boolean tooSoon = row.lastPolledAt() != null
                        && row.lastPolledAt().plus(Duration.ofSeconds(row.intervalSeconds())).isAfter(now);
                devices.polled(row.deviceCodeHash(), row.intervalSeconds() + (tooSoon ? SLOW_DOWN_SECONDS : 0));
                if (tooSoon) {
                    throw new OAuthException(400, "slow_down", "Polled faster than every " + row.intervalSeconds()
                            + " s; wait " + (row.intervalSeconds() + SLOW_DOWN_SECONDS) + " s between polls.");
                }
                throw new OAuthException(400, "authorization_pending", "The user has not approved the sign-in yet.");
            }
            default -> {
                // approved: tokens, once
            }
        }
        devices.markUsed(row.deviceCodeHash());
        TokenResponse issued = tokens.issueFor(row.userId(), clientId, row.familyId(), row.scope(), null,
                row.createdAt());
        String actor = users.find(row.userId()).map(User::username).orElse(AuditLog.SYSTEM);
        audit.recordAs(actor, "device_code.exchanged", actor, null,
                Map.of("client", clientId, "session", row.familyId().toString()));
        return issued;
    }
}
