package dev.strata.auth.oidc;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** RFC 7009 token revocation. */
@Path("/oauth2/revoke")
@Tag(name = "OpenID Connect")
@PermitAll
public class RevocationResource {

    private final Revocations revocations;
    private final OAuthClients clients;

    RevocationResource(Revocations revocations, OAuthClients clients) {
        this.revocations = revocations;
        this.clients = clients;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Revoke a refresh token (its whole sign-in) or a personal API token", description = "Answers 200 also for unknown tokens and for access tokens, which expire on their own.")
    public Response revoke(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String token = FormParams.required(form, "token");
        FormParams.optional(form, "token_type_hint");
        boolean identified = FormParams.optional(form, "client_id") != null || authorization != null;
        PublicClient client = identified ? clients.authenticate(ClientCredentials.from(form, authorization)) : null;
        revocations.revoke(token, client);
        return Response.ok().header("Cache-Control", "no-store").build();
    }
}
