package dev.strata.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.auth.config.AuthConfig;

/** Issues opaque refresh tokens: 256 random bits, stored hashed, one family per sign-in. */
@ApplicationScoped
public class RefreshTokens {

    private final RefreshTokenRepository repository;
    private final Duration lifespan;
    private final Clock clock = Clock.systemUTC();

    RefreshTokens(RefreshTokenRepository repository, AuthConfig config) {
        this.repository = repository;
        this.lifespan = config.refreshTokenLifespan();
    }

    /**
     * Issues a refresh token in a family; call inside the transaction that consumed its parent.
     *
     * @return the token, to hand to the client once
     */
    public String issue(UUID familyId, UUID userId, String clientId, UUID parentId, String scope) {
        String token = OpaqueTokens.random();
        repository.deleteExpiredOf(userId);
        repository.insert(UUID.randomUUID(), familyId, userId, clientId, OpaqueTokens.hash(token), parentId, scope,
                clock.instant().plus(lifespan));
        return token;
    }
}
