package dev.strata.auth.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Roles;
import dev.strata.web.ProblemException;

@Path("/api/v1/audit-events")
@Tag(name = "Audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private static final int MAX_LIMIT = 1000;

    private final AuditRepository repository;
    private final CallerContext callers;

    AuditResource(AuditRepository repository, CallerContext callers) {
        this.repository = repository;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Search the audit log, newest first (admin on '*', or admin of the namespace asked for)", description = "Every change, sign-in, failed sign-in and token revocation, and what the data plane did on "
            + "someone's behalf (loads, builds, sql statements, shares): actor, action, target, namespace, "
            + "time, source IP, request id. An admin of one namespace passes `namespace` and sees only its "
            + "entries. Page backwards with `before` = the smallest id of the previous page.")
    public List<AuditEntry> search(@QueryParam("actor") String actor, @QueryParam("action") String action,
            @QueryParam("namespace") String namespace, @QueryParam("since") String since,
            @QueryParam("until") String until, @QueryParam("before") Long before,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        var caller = callers.caller();
        if (!caller.isGlobalAdmin()) {
            if (namespace == null || namespace.isBlank()) {
                throw ProblemException.forbidden("Only an admin of every namespace may search the whole audit log; "
                        + "an admin of a namespace passes namespace=<name>.");
            }
            if (!caller.can(dev.strata.auth.access.Role.ADMIN, namespace)) {
                throw ProblemException.forbidden("Reading the audit log of namespace '" + namespace
                        + "' needs the admin role in it.");
            }
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", it is " + limit + ".");
        }
        return repository.search(new AuditQuery(blankToNull(actor), blankToNull(action), blankToNull(namespace),
                instant("since", since), instant("until", until), before, limit));
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
