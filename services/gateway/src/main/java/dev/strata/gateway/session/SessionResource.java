package dev.strata.gateway.session;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The browser side: {@code /login} starts the OIDC code flow (quarkus-oidc answers with the redirect to the issuer)
 * and lands on the UI; {@code /ui} is a placeholder page until the web UI is served here.
 */
@Path("/")
@Authenticated
public class SessionResource {

    private final SecurityIdentity identity;

    SessionResource(SecurityIdentity identity) {
        this.identity = identity;
    }

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

    @GET
    @Path("ui{rest: (/.*)?}")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The web UI (a placeholder until the UI is served)")
    public String ui() {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Strata</title></head>"
                + "<body><p>Signed in as " + escape(identity.getPrincipal().getName())
                + ". The web UI arrives with its own issue; the API is under /api.</p></body></html>";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
