package dev.strata.notifier.channel;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.security.Role;

@Path("/api/v1/channels")
@Tag(name = "Channels")
@Produces(MediaType.APPLICATION_JSON)
public class ChannelResource {

    private final ChannelService service;

    ChannelResource(ChannelService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Channels of the namespaces you can read (viewer); secrets are shown masked")
    public List<ChannelView> list(@QueryParam("namespace") String namespace) {
        return service.list(namespace);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One channel (viewer); 404 when you cannot read its namespace")
    public ChannelView get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Create a channel (engineer)", description = "Secrets are given by name (webhookUrlRef, "
            + "urlRef, signingSecretRef, passwordRef) and must be set in the notifier's configuration "
            + "(strata.secrets.<name>).")
    public Response create(ChannelRequest request) {
        ChannelView created = service.create(request);
        return Response.created(URI.create("/api/v1/channels/" + created.id())).entity(created).build();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Replace a channel's name, settings and max attempts (engineer)")
    public ChannelView update(@PathParam("id") UUID id, ChannelRequest request) {
        return service.update(id, request);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Delete a channel with its subscriptions and deliveries (engineer)")
    public Response delete(@PathParam("id") UUID id) {
        service.delete(id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/test")
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Send a test notification now (engineer)", description = "Not retried and not in the "
            + "delivery log; the answer says whether the receiver accepted it.")
    public ChannelService.TestResult test(@PathParam("id") UUID id) {
        return service.test(id);
    }
}
