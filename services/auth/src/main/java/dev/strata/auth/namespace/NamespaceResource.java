package dev.strata.auth.namespace;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
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

import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Roles;

@Path("/api/v1/namespaces")
@Tag(name = "Namespaces")
@Produces(MediaType.APPLICATION_JSON)
public class NamespaceResource {

    private final NamespaceService service;
    private final CallerContext callers;

    NamespaceResource(NamespaceService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The namespaces you can read (viewer)", description = "Only namespaces you hold a role in; "
            + "all of them with a binding on '*'.")
    public List<Namespace> list() {
        return service.list(callers.caller());
    }

    @GET
    @Path("/{name}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "One namespace (viewer in it); 404 when you cannot read it")
    public Namespace get(@PathParam("name") String name) {
        return service.get(callers.caller(), name);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a namespace (admin on '*')")
    public Response create(NewNamespace request) {
        Namespace created = service.create(callers.caller(), request);
        return Response.created(URI.create("/api/v1/namespaces/" + created.name())).entity(created).build();
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a namespace and its role bindings (admin on '*')")
    public Response delete(@PathParam("name") String name) {
        service.delete(callers.caller(), name);
        return Response.noContent().build();
    }
}
