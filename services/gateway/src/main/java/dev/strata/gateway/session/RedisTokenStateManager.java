package dev.strata.gateway.session;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.quarkus.oidc.AuthorizationCodeTokens;
import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TokenStateManager;
import io.quarkus.oidc.runtime.CodeAuthenticationMechanism;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Keeps a browser session's tokens (ID, access, refresh) in Redis; the session cookie holds only a random 256-bit
 * reference. Chosen over the encrypted cookie: the cookie stays small, tokens never leave the server, and a session
 * ends everywhere when its entry is deleted (logout) or expires with the session.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class RedisTokenStateManager implements TokenStateManager {

    private static final String PREFIX = "strata:gateway:session:";
    private static final Duration DEFAULT_AGE = Duration.ofHours(8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReactiveValueCommands<String, SessionTokens> values;
    private final ReactiveKeyCommands<String> keys;

    RedisTokenStateManager(ReactiveRedisDataSource redis) {
        this.values = redis.value(SessionTokens.class);
        this.keys = redis.key();
    }

    @Override
    public Uni<String> createTokenState(RoutingContext ctx, OidcTenantConfig oidcConfig, AuthorizationCodeTokens tokens,
            OidcRequestContext<String> requestContext) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Long maxAge = ctx.get(CodeAuthenticationMechanism.SESSION_MAX_AGE_PARAM);
        Duration age = maxAge == null || maxAge <= 0 ? DEFAULT_AGE : Duration.ofSeconds(maxAge);
        return values.set(PREFIX + id, SessionTokens.of(tokens), new SetArgs().nx().ex(age))
                .replaceWith(id)
                .onFailure().transform(e -> new AuthenticationFailedException("the session could not be stored", e));
    }

    @Override
    public Uni<AuthorizationCodeTokens> getTokens(RoutingContext ctx, OidcTenantConfig oidcConfig, String tokenState,
            OidcRequestContext<AuthorizationCodeTokens> requestContext) {
        return values.get(PREFIX + tokenState).map(tokens -> {
            if (tokens == null) {
                throw new AuthenticationFailedException("the session has ended");
            }
            return tokens.toTokens();
        });
    }

    @Override
    public Uni<Void> deleteTokens(RoutingContext ctx, OidcTenantConfig oidcConfig, String tokenState,
            OidcRequestContext<Void> requestContext) {
        return keys.del(PREFIX + tokenState).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** What is stored per session. */
    public record SessionTokens(String idToken, String accessToken, String refreshToken, Long accessTokenExpiresIn,
            String accessTokenScope) {

        static SessionTokens of(AuthorizationCodeTokens t) {
            return new SessionTokens(t.getIdToken(), t.getAccessToken(), t.getRefreshToken(),
                    t.getAccessTokenExpiresIn(), t.getAccessTokenScope());
        }

        AuthorizationCodeTokens toTokens() {
            return new AuthorizationCodeTokens(idToken, accessToken, refreshToken, accessTokenExpiresIn,
                    accessTokenScope);
        }

        @Override
        public String toString() {
            // never print a token
            return "SessionTokens[scope=" + accessTokenScope + "]";
        }
    }
}
