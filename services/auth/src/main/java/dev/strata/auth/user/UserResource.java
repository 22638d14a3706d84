package dev.strata.auth.user;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

@Path("/api/v1/users")
@Tag(name = "Users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private final UserService service;
    private final CallerContext callers;

    UserResource(UserService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "All users (admin on '*')")
    public List<UserView> list() {
        return service.list(callers.caller());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "One user (admin on '*')")
    public UserView get(@PathParam("id") UUID id) {
        return service.get(callers.caller(), id);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a user (admin on '*')", description = "The password needs at least 12 characters. "
            + "A new user holds no role until one is granted with /api/v1/role-bindings.")
    public Response create(NewUser request) {
        UserView created = service.create(callers.caller(), request);
        return Response.created(URI.create("/api/v1/users/" + created.id())).entity(created).build();
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a user's email, disable or enable it, reset its password, unlock it (admin on '*')")
    public UserView update(@PathParam("id") UUID id, UserUpdate request) {
        return service.update(callers.caller(), id, request);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a user, its role bindings, API tokens and sessions (admin on '*')")
    public Response delete(@PathParam("id") UUID id) {
        service.delete(callers.caller(), id);
        return Response.noContent().build();
    }
}
