package dev.strata.auth.apitoken;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.web.ProblemException;

/**
 * Personal API tokens ({@code strata_pat_...}): created by a user for itself, with a required expiry, shown once,
 * stored as a SHA-256 hash, revocable. The gateway exchanges one at {@code /oauth2/token} for a short-lived JWT.
 */
@ApplicationScoped
public class ApiTokenService {

    public static final String PREFIX = "strata_pat_";
    private static final int VISIBLE_CHARS = 6;
    private static final int MAX_NAME = 100;

    private final ApiTokenRepository tokens;
    private final AuditLog audit;
    private final Duration maxLifespan;
    private final Clock clock = Clock.systemUTC();

    ApiTokenService(ApiTokenRepository tokens, AuditLog audit, AuthConfig config) {
        this.tokens = tokens;
        this.audit = audit;
        this.maxLifespan = config.apiTokens().maxLifespan();
    }

    public List<ApiTokenView> list(Caller caller) {
        return tokens.listOf(userOf(caller)).stream().map(ApiTokenView::of).toList();
    }

    @Transactional
    public CreatedApiToken create(Caller caller, NewApiToken request) {
        UUID userId = userOf(caller);
        if (request == null || request.name() == null || request.name().isBlank()
                || request.name().length() > MAX_NAME) {
            throw ProblemException.badRequest("A token needs a name of 1 to " + MAX_NAME + " characters.");
        }
        Instant now = clock.instant();
        if (request.expiresAt() == null) {
            throw ProblemException.badRequest("A token needs expiresAt (an ISO-8601 instant): tokens never live "
                    + "forever.");
        }
        if (!request.expiresAt().isAfter(now)) {
            throw ProblemException.badRequest("expiresAt must be in the future.");
        }
        if (request.expiresAt().isAfter(now.plus(maxLifespan))) {
            throw ProblemException.badRequest("expiresAt may be at most " + maxLifespan.toDays()
                    + " days from now (strata.auth.api-tokens.max-lifespan).");
        }
        String token = PREFIX + OpaqueTokens.random();
        String prefix = token.substring(0, PREFIX.length() + VISIBLE_CHARS);
        UUID id = UUID.randomUUID();
        String name = request.name().trim();
        tokens.insert(id, userId, name, OpaqueTokens.hash(token), prefix, request.expiresAt());
        audit.record("api_token.created", name, null,
                Map.of("id", id.toString(), "prefix", prefix, "expiresAt", request.expiresAt().toString()));
        return new CreatedApiToken(ApiTokenView.of(tokens.find(id).orElseThrow()), token);
    }

    @Transactional
    public void revoke(Caller caller, UUID id) {
        UUID userId = userOf(caller);
        ApiToken token = tokens.find(id).filter(t -> t.userId().equals(userId))
                .orElseThrow(() -> ProblemException.notFound("You have no API token with id " + id + "."));
        if (tokens.revoke(id)) {
            audit.record("api_token.revoked", token.name(), null, Map.of("id", id.toString(), "prefix",
                    token.prefix()));
        }
    }

    private static UUID userOf(Caller caller) {
        return caller.userId().orElseThrow(() -> ProblemException
                .forbidden("Service accounts have no personal API tokens; they use their client credentials."));
    }
}
