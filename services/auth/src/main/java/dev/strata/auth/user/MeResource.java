package dev.strata.auth.user;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.CallerContext;

@Path("/api/v1/me")
@Tag(name = "Me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final UserService service;
    private final CallerContext callers;

    MeResource(UserService service, CallerContext callers) {
        this.service = service;
        this.callers = callers;
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
