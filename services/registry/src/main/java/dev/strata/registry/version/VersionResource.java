package dev.strata.registry.version;

import java.util.List;

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

@Path("/api/v1/datasets/{namespace}/{name}")
@Tag(name = "Versions")
@Produces(MediaType.APPLICATION_JSON)
public class VersionResource {

    private final VersionService service;

    VersionResource(VersionService service) {
        this.service = service;
    }

    @GET
    @Path("/versions")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The dataset's versions, newest first (viewer)", description = "Each with its schema "
            + "snapshot, rows, bytes, load id, raw location and run; limit 1..500 (default 100).")
    public List<DatasetVersion> list(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("limit") Integer limit) {
        return service.list(namespace, name, limit);
    }

    @GET
    @Path("/versions/{number}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One version of the dataset (viewer)")
    public DatasetVersion get(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @PathParam("number") int number) {
        return service.get(namespace, name, number);
    }

    @GET
    @Path("/schema-diff")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Schema changes between two versions (viewer)", description = "Columns added, removed and "
            + "type-changed from version 'from' to version 'to'; 'to' defaults to the latest version, 'from' to the "
            + "one before 'to'.")
    public SchemaDiff diff(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("from") Integer from, @QueryParam("to") Integer to) {
        return service.diff(namespace, name, from, to);
    }
}
