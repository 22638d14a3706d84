package dev.strata.auth.binding;

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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Roles;

@Path("/api/v1/role-bindings")
@Tag(name = "Role bindings")
@Produces(MediaType.APPLICATION_JSON)
public class RoleBindingResource {

    private final RoleBindingService service;
    private final CallerContext callers;

    RoleBindingResource(RoleBindingService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Role bindings on the namespaces you can read (viewer)")
    public List<RoleBindingView> list(@QueryParam("namespace") String namespace,
            @QueryParam("principalKind") String principalKind, @QueryParam("principal") String principal) {
        return service.list(callers.caller(), namespace, principalKind, principal);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Grant a role in a namespace (admin of that namespace; admin on '*' for '*')", description = "A principal has one role per namespace: granting again replaces it (200; 201 when new).")
    public Response grant(NewRoleBinding request) {
        RoleBindingService.Grant grant = service.grant(callers.caller(), request);
        if (grant.created()) {
            return Response.created(URI.create("/api/v1/role-bindings/" + grant.binding().id()))
                    .entity(grant.binding()).build();
        }
        return Response.ok(grant.binding()).build();
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Revoke a role binding (admin of its namespace)")
    public Response revoke(@PathParam("id") UUID id) {
        service.revoke(callers.caller(), id);
        return Response.noContent().build();
    }
}
