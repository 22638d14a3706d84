package dev.strata.auth.setting;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Roles;

@Path("/api/v1/namespaces/{ns}/settings")
@Tag(name = "Settings")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    private final AllowedHostsService allowedHosts;
    private final CallerContext callers;

    SettingsResource(AllowedHostsService allowedHosts, CallerContext callers) {
        this.allowedHosts = allowedHosts;
        this.callers = callers;
    }

    @GET
    @Path("/allowed-hosts")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The private hosts, addresses and CIDR ranges the namespace may reach (viewer)")
    public AllowedHosts getAllowedHosts(@PathParam("ns") String namespace) {
        return allowedHosts.get(callers.caller(), namespace);
    }

    @PUT
    @Path("/allowed-hosts")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Replace the namespace's allowed private hosts: {\"hosts\": [\"db.internal\", "
            + "\"10.0.0.0/8\"]} (admin of the namespace; audited)")
    public AllowedHosts putAllowedHosts(@PathParam("ns") String namespace, AllowedHostsRequest request) {
        return allowedHosts.put(callers.caller(), namespace, request);
    }
}
