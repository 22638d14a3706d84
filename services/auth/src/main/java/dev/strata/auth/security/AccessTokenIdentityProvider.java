package dev.strata.auth.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

import dev.strata.auth.access.Caller;

/**
 * Turns a bearer token into a security identity: principal = {@code preferred_username}, roles = {@code groups}
 * (every role held in any namespace, with the roles below it), and the {@link Caller} as an attribute. Runs on a
 * worker thread: verifying may re-read the keys from the database.
 */
@ApplicationScoped
public class AccessTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final AccessTokenVerifier verifier;

    AccessTokenIdentityProvider(AccessTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() { return TokenAuthenticationRequest.class; }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            Caller caller;
            try {
                caller = verifier.verify(request.getToken().getToken());
            } catch (InvalidTokenException e) {
                throw BearerTokenMechanism.refused(e.getMessage());
            }
            return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(caller.username()))
                    .addRoles(Set.copyOf(caller.groups())).addAttribute(Caller.ATTRIBUTE, caller)
                    .addCredential(request.getToken()).build();
        });
    }
}
