package dev.strata.security;

import java.sql.SQLException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.strata.outbox.DeadLetters;
import dev.strata.outbox.quarkus.EventConsumers;
import dev.strata.web.ProblemException;

/**
 * {@code GET /api/v1/dead-letters}: the events this service's Kafka consumers gave up on (libs/outbox
 * {@code EventConsumer}), newest first, with the reason. Events of every namespace: for platform admins only (admin on
 * {@code *}). The records themselves are on the {@code strata.dead-letters} topic.
 */
@Path("/api/v1/dead-letters")
public class DeadLetterResource {

    static final int MAX_LIMIT = 500;

    private final NamespaceAccess access;
    private final EventConsumers consumers;

    DeadLetterResource(NamespaceAccess access, EventConsumers consumers) {
        this.access = access;
        this.consumers = consumers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The events this service's consumers gave up on, newest first (platform admins)")
    public List<DeadLetters.DeadLetter> list(@QueryParam("limit") Integer limit) {
        if (!access.grants().allowsEverywhere(Role.ADMIN)) {
            throw ProblemException.forbidden("the dead letters hold events of every namespace: this needs the admin "
                    + "role on every namespace ('*')");
        }
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ProblemException.badRequest("query parameter limit must be between 1 and " + MAX_LIMIT + "; got "
                    + n);
        }
        try {
            return consumers.deadLetters().latest(n);
        } catch (SQLException e) {
            throw new IllegalStateException("the dead letters cannot be read: " + e.getMessage(), e);
        }
    }
}
