package dev.strata.auth.apitoken;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;

import dev.strata.auth.access.CallerContext;

@Path("/api/v1/api-tokens")
@Tag(name = "Personal API tokens")
@Produces(MediaType.APPLICATION_JSON)
public class ApiTokenResource {

    private final ApiTokenService service;
    private final CallerContext callers;

    ApiTokenResource(ApiTokenService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @Authenticated
    @Operation(summary = "Your API tokens (any signed-in user); never the token values")
    public List<ApiTokenView> list() {
        return service.list(callers.caller());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Authenticated
    @Operation(summary = "Create an API token for yourself (any signed-in user)", description = "expiresAt is "
            + "required. The answer holds the token (strata_pat_...): it is shown this once and stored only as a hash.")
    public Response create(NewApiToken request) {
        CreatedApiToken created = service.create(callers.caller(), request);
        return Response.created(URI.create("/api/v1/api-tokens/" + created.apiToken().id()))
                .header("Cache-Control", "no-store").entity(created).build();
    }

    @DELETE
    @Path("/{id}")
    @Authenticated
    @Operation(summary = "Revoke one of your API tokens; it stops working at once at the issuer")
    public Response revoke(@PathParam("id") UUID id) {
        service.revoke(callers.caller(), id);
        return Response.noContent().build();
    }
}
