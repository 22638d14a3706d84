package dev.strata.auth.oidc;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.user.User;

/** Issues authorization codes: 256 random bits, stored hashed, valid {@code strata.auth.authorization-code-lifespan}. */
@ApplicationScoped
public class AuthorizationCodes {

    private final AuthorizationCodeRepository repository;
    private final Duration lifespan;
    private final Clock clock = Clock.systemUTC();

    AuthorizationCodes(AuthorizationCodeRepository repository, AuthConfig config) {
        this.repository = repository;
        this.lifespan = config.authorizationCodeLifespan();
    }

    /** A code for a signed-in user; its sign-in (the future refresh-token family) gets a new id. */
    public String issue(AuthorizationRequest request, User user) {
        String code = OpaqueTokens.random();
        repository.insert(OpaqueTokens.hash(code), request, user.id(), UUID.randomUUID(),
                clock.instant().plus(lifespan));
        return code;
    }
}
