package dev.strata.notifier.subscription;

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

@Path("/api/v1/subscriptions")
@Tag(name = "Subscriptions")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionResource {

    private final SubscriptionService service;

    SubscriptionResource(SubscriptionService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Subscriptions of the namespaces you can read (viewer)")
    public List<Subscription> list(@QueryParam("namespace") String namespace,
            @QueryParam("channelId") UUID channelId) {
        return service.list(namespace, channelId);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One subscription (viewer); 404 when you cannot read its namespace")
    public Subscription get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Subscribe a channel to events of its namespace (engineer)")
    public Response create(SubscriptionRequest request) {
        Subscription created = service.create(request);
        return Response.created(URI.create("/api/v1/subscriptions/" + created.id())).entity(created).build();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Replace a subscription's channel, event types and filters (engineer)")
    public Subscription update(@PathParam("id") UUID id, SubscriptionRequest request) {
        return service.update(id, request);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Delete a subscription and its deliveries (engineer)")
    public Response delete(@PathParam("id") UUID id) {
        service.delete(id);
        return Response.noContent().build();
    }
}
