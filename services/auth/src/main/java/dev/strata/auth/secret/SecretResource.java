package dev.strata.auth.secret;

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

@Path("/api/v1/namespaces/{ns}/secrets")
@Tag(name = "Secrets")
@Produces(MediaType.APPLICATION_JSON)
public class SecretResource {

    private final SecretService service;
    private final CallerContext callers;

    SecretResource(SecretService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The namespace's secrets: names, who wrote them and when, never a value (viewer)")
    public List<SecretView> list(@PathParam("ns") String namespace) {
        return service.list(callers.caller(), namespace);
    }

    @GET
    @Path("/{name}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "One secret's name and history, never its value (viewer)")
    public SecretView get(@PathParam("ns") String namespace, @PathParam("name") String name) {
        return service.get(callers.caller(), namespace, name);
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Create or replace a secret: {\"value\": \"...\"}, write-only (engineer)", description = "Answers 201 when created, 200 when replaced; the body never holds the value.")
    public Response put(@PathParam("ns") String namespace, @PathParam("name") String name, SecretValue body) {
        boolean created = service.put(callers.caller(), namespace, name, body);
        SecretView view = service.get(callers.caller(), namespace, name);
        return created
                ? Response.created(URI.create("/api/v1/namespaces/" + namespace + "/secrets/" + name)).entity(view)
                        .build()
                : Response.ok(view).build();
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Delete a secret (engineer)")
    public Response delete(@PathParam("ns") String namespace, @PathParam("name") String name) {
        service.delete(callers.caller(), namespace, name);
        return Response.noContent().build();
    }
}
