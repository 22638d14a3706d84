package dev.strata.notifier.delivery;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.security.Role;

@Path("/api/v1/deliveries")
@Tag(name = "Deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {

    private final DeliveryService service;

    DeliveryResource(DeliveryService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The delivery log of the namespaces you can read, newest first (viewer)", description = "Filters: status (pending, delivered, dead_lettered), namespace, channelId, eventId; limit 1..500 (100).")
    public List<Delivery> list(@QueryParam("namespace") String namespace, @QueryParam("status") String status,
            @QueryParam("channelId") UUID channelId, @QueryParam("eventId") UUID eventId,
            @QueryParam("limit") Integer limit) {
        return service.list(namespace, status, channelId, eventId, limit);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One delivery with its attempts, last response code and error (viewer)")
    public Delivery get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @POST
    @Path("/{id}/redeliver")
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Send a dead-lettered delivery again (engineer); 409 for any other status")
    public Delivery redeliver(@PathParam("id") UUID id) {
        return service.redeliver(id);
    }
}
