package dev.strata.registry.dataset;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.events.LoadSpec;
import dev.strata.security.Role;

@Path("/api/v1/datasets")
@Tag(name = "Datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    private final DatasetService service;

    DatasetResource(DatasetService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "List or search datasets (viewer)", description = "Only datasets of namespaces you can read; "
            + "include=shared adds the datasets of other namespaces shared with a namespace you can read. "
            + "Filters: namespace, tag, layer; q matches a part of 'namespace.name' or of a column name, "
            + "case-insensitive. Ordered by namespace and name; limit 1..500 (default 100).")
    public List<Dataset> list(@QueryParam("namespace") String namespace, @QueryParam("tag") String tag,
            @QueryParam("layer") String layer, @QueryParam("q") String q, @QueryParam("limit") Integer limit,
            @QueryParam("offset") Integer offset, @QueryParam("include") String include) {
        return service.list(namespace, tag, layer, q, limit, offset, include);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Register a dataset (engineer in its namespace)", description = "409 when it exists.")
    public Response register(DatasetRequest request) {
        Dataset created = service.register(request);
        return Response.created(URI.create("/api/v1/datasets/" + created.namespace() + "/" + created.name()))
                .entity(created).build();
    }

    @GET
    @Path("/{namespace}/{name}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One dataset (viewer in its namespace, or in a namespace it is shared with); 404 when you "
            + "cannot read it")
    public Dataset get(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        return service.get(namespace, name);
    }

    @PUT
    @Path("/{namespace}/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Replace a dataset's description, owner, tags, layer, load spec and columns (engineer)")
    public Dataset update(@PathParam("namespace") String namespace, @PathParam("name") String name,
            DatasetRequest request) {
        return service.update(namespace, name, request);
    }

    @DELETE
    @Path("/{namespace}/{name}")
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Delete a dataset and its versions (engineer)", description = "The warehouse table and the "
            + "lake files stay.")
    public Response delete(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        service.delete(namespace, name);
        return Response.noContent().build();
    }

    @GET
    @Path("/{namespace}/{name}/load-spec")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The dataset's load spec, as ingest reads it (viewer)")
    public LoadSpec loadSpec(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        return service.loadSpec(namespace, name);
    }
}
