package dev.strata.auth.oidc;

import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.key.SigningKeys;

/** The public signing keys: the active one and the retired ones whose tokens may still be alive. */
@Path("/oauth2/jwks")
@Tag(name = "OpenID Connect")
@PermitAll
public class JwksResource {

    private final SigningKeys keys;

    JwksResource(SigningKeys keys) {
        this.keys = keys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "JSON Web Key Set (RSA, with kid)")
    public Response jwks() {
        return Response.ok(Map.of("keys", keys.jwks())).header("Cache-Control", "public, max-age=60").build();
    }
}
