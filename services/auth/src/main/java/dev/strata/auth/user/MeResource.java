package dev.strata.auth.user;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Role;
import dev.strata.auth.binding.Principals;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

@Path("/api/v1/me")
@Tag(name = "Me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final UserService service;
    private final CallerContext callers;
    private final Principals principals;

    MeResource(UserService service, CallerContext callers, Principals principals) {
        this.service = service;
        this.callers = callers;
        this.principals = principals;
    }

    @GET
    @Authenticated
    @Operation(summary = "Who you are and your role per namespace (any signed-in principal)")
    public Me me() {
        Caller caller = callers.caller();
        Map<String, String> namespaces = new LinkedHashMap<>();
        caller.namespaces().forEach((ns, role) -> namespaces.put(ns, role.claimValue()));
        return new Me(caller.subject(), caller.username(), caller.kind().value(), namespaces, caller.groups());
    }

    @GET
    @Path("/namespaces/{namespace}")
    @Authenticated
    @Operation(summary = "Your role in a namespace right now, from the role bindings (not from your token)", description = "The higher of your binding on the namespace and your binding on '*'; null when you have "
            + "none, or when your account was deleted or disabled. Services ask this before acting on a "
            + "token's strata_ns claim, so a removed binding counts at once.")
    public CurrentRole currentRole(@PathParam("namespace") String namespace) {
        Namespaces.problem(namespace).ifPresent(problem -> {
            throw ProblemException.badRequest("The path's " + problem + ".");
        });
        Map<String, Role> roles = principals.currentRoles(callers.caller());
        Role role = Role.higher(roles.get(namespace), roles.get(Caller.ALL_NAMESPACES));
        return new CurrentRole(namespace, role == null ? null : role.claimValue());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/password")
    @Authenticated
    @Operation(summary = "Change your password (any signed-in user)", description = "Needs the current password; "
            + "the new one needs at least 12 characters. Signs you out of every other session.")
    public Response changePassword(PasswordChange request) {
        service.changeOwnPassword(callers.caller(), request);
        return Response.noContent().build();
    }
}
