package dev.strata.registry.lineage;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.security.Role;

@Path("/api/v1/lineage/{namespace}/{name}")
@Tag(name = "Lineage")
@Produces(MediaType.APPLICATION_JSON)
public class LineageResource {

    private final LineageService service;

    LineageResource(LineageService service) {
        this.service = service;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Replace the dataset's upstream edges (engineer in its namespace)", description = "Body: "
            + "{\"upstream\":[{\"dataset\":\"ns.name\",\"columns\":[{\"from\":\"a\",\"to\":\"b\"}]}]}; an empty list "
            + "removes them. Answers the dataset's upstream graph, depth 1.")
    public LineageGraph replace(@PathParam("namespace") String namespace, @PathParam("name") String name,
            LineageRequest request) {
        return service.replaceUpstream(namespace, name, request);
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The lineage graph around the dataset (viewer)", description = "direction up, down or both "
            + "(default both), depth 1..10 (default 3). Datasets of namespaces you cannot read are left out.")
    public LineageGraph graph(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("direction") String direction, @QueryParam("depth") Integer depth) {
        return service.graph(namespace, name, direction, depth);
    }
}
