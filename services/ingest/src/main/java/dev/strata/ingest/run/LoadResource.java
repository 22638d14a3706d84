package dev.strata.ingest.run;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.agroal.api.AgroalDataSource;

import dev.strata.events.LoadSpec;
import dev.strata.ingest.spec.LoadSpecCheck;
import dev.strata.ingest.spec.SourceLocations;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

/** Manual loads: submit a load spec, follow the run. */
@Path("/api/v1/loads")
@Produces(MediaType.APPLICATION_JSON)
public class LoadResource {

    @Inject
    AgroalDataSource metadata;
    @Inject
    LoadRunRepository runs;
    @Inject
    LoadWorker worker;
    @Inject
    NamespaceAccess access;
    @Inject
    SourceLocations locations;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Queue a load", description = "Answers 202 with the run (status queued). An Idempotency-Key "
            + "header (a UUID) becomes the load id: the same key again answers the existing run and loads nothing.")
    public Response submit(LoadSpec spec, @HeaderParam("Idempotency-Key") String idempotencyKey)
            throws SQLException {
        if (spec == null) {
            throw ProblemException.badRequest("The body must be a load spec.", List.of("the body is empty"));
        }
        List<String> problems = new ArrayList<>(LoadSpecCheck.problems(spec));
        problems.addAll(locations.problems(spec));
        if (!problems.isEmpty()) {
            throw ProblemException.badRequest("The load spec is not usable: " + String.join("; ", problems),
                    problems);
        }
        access.require(spec.namespace(), Role.ENGINEER);
        UUID id;
        try {
            id = idempotencyKey == null ? UUID.randomUUID() : UUID.fromString(idempotencyKey.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("The Idempotency-Key header must be a UUID.", null);
        }
        boolean created;
        LoadRun run;
        try (Connection c = metadata.getConnection()) {
            created = runs.insert(c, id, spec, access.principal());
            run = runs.find(c, id).orElseThrow();
        }
        if (!run.namespace().equals(spec.namespace()) || !run.dataset().equals(spec.name())) {
            throw ProblemException.conflict("This Idempotency-Key was used for another dataset.");
        }
        if (created) {
            worker.wakeUp();
            return Response.accepted(run).location(URI.create("/api/v1/loads/" + id)).build();
        }
        return Response.ok(run).location(URI.create("/api/v1/loads/" + id)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "A load run: status, rows, bytes, duration and the error if any")
    public LoadRun get(@PathParam("id") String id) throws SQLException {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("There is no load " + id + ".");
        }
        LoadRun run;
        try (Connection c = metadata.getConnection()) {
            run = runs.find(c, uuid).orElseThrow(() -> ProblemException.notFound("There is no load " + id + "."));
        }
        if (!access.readable().includes(run.namespace())) {
            throw ProblemException.notFound("There is no load " + id + ".");
        }
        return run;
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The newest load runs in the namespaces the caller can read")
    public List<LoadRun> list(@QueryParam("namespace") String namespace, @QueryParam("dataset") String dataset,
            @QueryParam("limit") Integer limit) throws SQLException {
        NamespaceAccess.Scope scope = access.readable();
        if (scope.isEmpty()) {
            return List.of();
        }
        int max = limit == null ? 50 : Math.max(1, Math.min(limit, 500));
        try (Connection c = metadata.getConnection()) {
            return runs.list(c, scope.all() ? null : List.copyOf(scope.namespaces()), namespace, dataset, max);
        }
    }
}
