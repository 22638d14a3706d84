package dev.strata.registry.preview;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.security.Role;

@Path("/api/v1/datasets/{namespace}/{name}/preview")
@Tag(name = "Preview")
@Produces(MediaType.APPLICATION_JSON)
public class PreviewResource {

    private final PreviewService service;

    PreviewResource(PreviewService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The first rows of the dataset's warehouse table (analyst in its namespace, or in a namespace "
            + "it is shared with)", description = "Reads <namespace>__<layer>.<name> in the warehouse as the "
                    + "namespace's own Postgres role (the reader namespace's role for a shared dataset), read-only, "
                    + "10 s statement timeout; limit 1..1000 (default 50).")
    public Preview preview(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("limit") Integer limit) {
        return service.preview(namespace, name, limit);
    }
}
