package dev.strata.auth.oidc;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.CallerContext;
import dev.strata.auth.token.TokenIssuer;
import dev.strata.auth.user.User;
import dev.strata.auth.user.UserRepository;

/** OIDC userinfo: the claims of the bearer access token's principal. */
@Path("/oauth2/userinfo")
@Tag(name = "OpenID Connect")
@Produces(MediaType.APPLICATION_JSON)
public class UserInfoResource {

    private final CallerContext callers;
    private final UserRepository users;

    UserInfoResource(CallerContext callers, UserRepository users) {
        this.callers = callers;
        this.users = users;
    }

    @GET
    @Authenticated
    @Operation(summary = "Claims of the signed-in principal (bearer access token)")
    public Map<String, Object> get() {
        Caller caller = callers.caller();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", caller.subject());
        claims.put("preferred_username", caller.username());
        caller.userId().flatMap(users::find).map(User::email).ifPresent(email -> claims.put("email", email));
        claims.put("groups", caller.groups());
        Map<String, String> namespaces = new LinkedHashMap<>();
        caller.namespaces().forEach((ns, role) -> namespaces.put(ns, role.claimValue()));
        claims.put(TokenIssuer.NAMESPACES_CLAIM, namespaces);
        return claims;
    }

    @POST
    @Authenticated
    @Operation(summary = "Claims of the signed-in principal (bearer access token)")
    public Map<String, Object> post() {
        return get();
    }
}
