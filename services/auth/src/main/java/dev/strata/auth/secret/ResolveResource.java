package dev.strata.auth.secret;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Roles;
import dev.strata.auth.connection.ConnectionService;
import dev.strata.auth.connection.ResolvedConnection;

/**
 * What the platform's workers (ingest, notifier) call to use a namespace's connections and secrets: only resolver
 * service accounts ({@code strata.secrets.resolvers}, bound on {@code *}); every call is audited with its purpose.
 */
@Path("/api/v1/internal/namespaces/{ns}")
@Tag(name = "Secrets")
@Produces(MediaType.APPLICATION_JSON)
public class ResolveResource {

    private final SecretService secrets;
    private final ConnectionService connections;
    private final CallerContext callers;

    ResolveResource(SecretService secrets, ConnectionService connections, CallerContext callers) {
        this.secrets = secrets;
        this.connections = connections;
        this.callers = callers;
    }

    @POST
    @Path("/secrets/{name}/resolve")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "A secret's value, for the platform's workers only (resolver service accounts; audited)")
    public ResolvedSecret resolveSecret(@PathParam("ns") String namespace, @PathParam("name") String name,
            @QueryParam("purpose") String purpose) {
        return secrets.resolve(callers.caller(), namespace, name, purpose(purpose));
    }

    @POST
    @Path("/connections/{name}/resolve")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "A connection with its secrets' values and the namespace's allowed hosts, for the "
            + "platform's workers only (resolver service accounts; audited)")
    public ResolvedConnection resolveConnection(@PathParam("ns") String namespace, @PathParam("name") String name,
            @QueryParam("purpose") String purpose) {
        return connections.resolve(callers.caller(), namespace, name, purpose(purpose));
    }

    /** What the worker says it resolves for (audited): bounded, printable. */
    static String purpose(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            return "unspecified";
        }
        String clean = purpose.replaceAll("[^A-Za-z0-9 ._:/-]", "_");
        return clean.length() > 120 ? clean.substring(0, 120) : clean;
    }

    /** Re-wrapping after a master-key rotation. */
    @Path("/api/v1/secrets/rewrap")
    public static class Rewrap {
        private final SecretService secrets;
        private final CallerContext callers;

        Rewrap(SecretService secrets, CallerContext callers) {
            this.secrets = secrets;
            this.callers = callers;
        }

        @POST
        @Produces(MediaType.APPLICATION_JSON)
        @RolesAllowed(Roles.ADMIN)
        @Operation(summary = "Re-wrap every secret with the current master key, after a rotation (admin on '*')")
        public Map<String, Integer> rewrap() {
            return Map.of("rewrapped", secrets.rewrapAll(callers.caller()));
        }
    }
}
