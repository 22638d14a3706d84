package dev.strata.auth.connection;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Roles;

@Path("/api/v1/namespaces/{ns}/connections")
@Tag(name = "Connections")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionResource {

    private final ConnectionService service;
    private final CallerContext callers;

    ConnectionResource(ConnectionService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The namespace's connections with their settings and secret names (viewer)")
    public List<ConnectionView> list(@PathParam("ns") String namespace) {
        return service.list(callers.caller(), namespace);
    }

    @GET
    @Path("/{name}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "One connection (viewer)")
    public ConnectionView get(@PathParam("ns") String namespace, @PathParam("name") String name) {
        return service.get(callers.caller(), namespace, name);
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Create or replace a connection (engineer)", description = "kind http (baseUrl, headerName, "
            + "headerSecret), s3 (endpoint, bucket, region, accessKey, secretKeySecret), jdbc (url, user, "
            + "passwordSecret), slack (webhookUrlSecret), webhook (url, signingSecret), smtp (host, port, from, user, "
            + "passwordSecret). *Secret fields name secrets of the namespace.")
    public Response put(@PathParam("ns") String namespace, @PathParam("name") String name,
            ConnectionRequest request) {
        boolean created = service.put(callers.caller(), namespace, name, request);
        ConnectionView view = service.get(callers.caller(), namespace, name);
        return created
                ? Response.created(URI.create("/api/v1/namespaces/" + namespace + "/connections/" + name))
                        .entity(view).build()
                : Response.ok(view).build();
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Delete a connection (engineer)")
    public Response delete(@PathParam("ns") String namespace, @PathParam("name") String name) {
        service.delete(callers.caller(), namespace, name);
        return Response.noContent().build();
    }

}
