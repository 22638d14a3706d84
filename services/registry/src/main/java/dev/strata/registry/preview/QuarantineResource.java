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

@Path("/api/v1/datasets/{namespace}/{name}/quarantine")
@Tag(name = "Preview")
@Produces(MediaType.APPLICATION_JSON)
public class QuarantineResource {

    private final QuarantineService service;

    QuarantineResource(QuarantineService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The rows loads quarantined for the dataset, with why (analyst in its namespace)", description = "Reads <namespace>__quarantine.<name> (written by ingest under the quarantine contract) as "
            + "the namespace's own Postgres role, read-only, newest first: load id, file, line, column, "
            + "value, reason, the row as JSON, when; total = all rows it holds. No rows when no load "
            + "quarantined any; limit 1..1000 (default 50).")
    public Quarantine quarantine(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("limit") Integer limit) {
        return service.rows(namespace, name, limit);
    }
}
