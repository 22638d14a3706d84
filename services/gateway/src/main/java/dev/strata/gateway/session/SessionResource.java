package dev.strata.gateway.session;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;

/**
 * The browser side: {@code /login} starts the OIDC code flow (quarkus-oidc answers with the redirect to the issuer)
 * and lands on the UI (served by {@code ui/UiRoutes}).
 */
@Path("/")
@Authenticated
public class SessionResource {

    @GET
    @Path("login")
    @Operation(summary = "Sign in (browser): the code flow with PKCE, then the UI")
    public Response login() {
        return Response.seeOther(URI.create("/ui/")).build();
    }

    @GET
    @Path("login/callback")
    @Operation(summary = "Where the issuer sends the browser back; continues to the UI")
    public Response callback() {
        return Response.seeOther(URI.create("/ui/")).build();
    }
}
