package dev.strata.auth.serviceaccount;

import java.net.URI;
import java.util.List;
import java.util.UUID;

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

@Path("/api/v1/service-accounts")
@Tag(name = "Service accounts")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceAccountResource {

    private final ServiceAccountService service;
    private final CallerContext callers;

    ServiceAccountResource(ServiceAccountService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Service accounts bound in namespaces you can read (viewer)")
    public List<ServiceAccountView> list() {
        return service.list(callers.caller());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "One service account (viewer in one of its namespaces); 404 when you cannot read it")
    public ServiceAccountView get(@PathParam("id") UUID id) {
        return service.get(callers.caller(), id);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a service account (admin of each namespace it is bound to)", description = "The answer holds the client secret: it is shown this once and stored only as a hash.")
    public Response create(NewServiceAccount request) {
        ServiceAccountCredentials created = service.create(callers.caller(), request);
        return Response.created(URI.create("/api/v1/service-accounts/" + created.serviceAccount().id()))
                .header("Cache-Control", "no-store").entity(created).build();
    }

    @POST
    @Path("/{id}/secret")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Replace the client secret (admin of each namespace it is bound to)", description = "The old secret stops working at once; the new one is shown this once.")
    public Response rotateSecret(@PathParam("id") UUID id) {
        return Response.ok(service.rotateSecret(callers.caller(), id)).header("Cache-Control", "no-store").build();
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a service account and its bindings (admin of each namespace it is bound to)")
    public Response delete(@PathParam("id") UUID id) {
        service.delete(callers.caller(), id);
        return Response.noContent().build();
    }
}
