package dev.strata.scheduler.run;

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
import jakarta.ws.rs.core.Response;

import dev.strata.scheduler.backfill.Backfills;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;
import dev.strata.web.db.Db;

/** Runs: list and filter, get with task runs and timings, cancel, retry; backfills: get and cancel. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private final Db db;
    private final RunEngine engine;
    private final NamespaceAccess access;
    private final Backfills backfills;
    private final TaskLayouts layouts;

    RunResource(Db db, RunEngine engine, NamespaceAccess access, Backfills backfills, TaskLayouts layouts) {
        this.db = db;
        this.engine = engine;
        this.access = access;
        this.backfills = backfills;
        this.layouts = layouts;
    }

    @GET
    @Path("/runs")
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public List<RunView> list(@QueryParam("namespace") String namespace, @QueryParam("pipeline") String pipeline,
            @QueryParam("state") String state, @QueryParam("trigger") String trigger,
            @QueryParam("backfill") UUID backfill, @QueryParam("limit") Integer limit) {
        if (state != null && !RunState.RUN_STATES.contains(state)) {
            throw ProblemException.badRequest("state '" + state + "' is not one of " + RunState.RUN_STATES);
        }
        NamespaceAccess.Scope scope = access.readable();
        if (scope.isEmpty()) {
            return List.of();
        }
        int n = limit == null ? 100 : Math.min(Math.max(limit, 1), 1000);
        return db.list("SELECT " + RunRecords.RUN_COLUMNS + " FROM run WHERE (?::boolean OR namespace = ANY(?)) "
                + "AND (?::text IS NULL OR namespace = ?) AND (?::text IS NULL OR pipeline_id = ?) "
                + "AND (?::text IS NULL OR state = ?) AND (?::text IS NULL OR trigger = ?) "
                + "AND (?::uuid IS NULL OR backfill_id = ?) ORDER BY created_at DESC LIMIT ?", RunRecords::run,
                scope.all(), scope.namespaces().toArray(String[]::new), namespace, namespace, pipeline, pipeline,
                state, state, trigger, trigger, backfill, backfill, n).stream()
                .map(r -> RunView.of(r, null, null)).toList();
    }

    @GET
    @Path("/runs/{id}")
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public RunView get(@PathParam("id") UUID id) {
        var run = engine.run(id).orElseThrow(() -> ProblemException.notFound("there is no run " + id));
        access.require(run.namespace(), Role.VIEWER);
        return RunView.of(run, engine.taskRuns(id), engine.transitions(id)).withLayout(layouts);
    }

    @POST
    @Path("/runs/{id}/cancel")
    @RolesAllowed({"engineer", "admin"})
    public RunView cancel(@PathParam("id") UUID id) {
        var run = engine.run(id).orElseThrow(() -> ProblemException.notFound("there is no run " + id));
        access.require(run.namespace(), Role.ENGINEER);
        engine.cancel(id, "cancelled by " + access.principal()).ifPresent(engine::promote);
        return RunView.of(engine.run(id).orElseThrow(), engine.taskRuns(id), null);
    }

    /**
     * Retries an ended run: a new run of the pipeline with the same params and logical date ({@code retryOf} names
     * the old one); {@code 201} + the new run, {@code 409} while the run is active.
     */
    @POST
    @Path("/runs/{id}/retry")
    @RolesAllowed({"engineer", "admin"})
    public Response retry(@PathParam("id") UUID id) {
        var run = engine.run(id).orElseThrow(() -> ProblemException.notFound("there is no run " + id));
        access.require(run.namespace(), Role.ENGINEER);
        var created = engine.retry(id);
        return Response.status(201).entity(RunView.of(engine.run(created.id()).orElseThrow(),
                engine.taskRuns(created.id()), null)).build();
    }

    @GET
    @Path("/backfills/{id}")
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public Backfills.Backfill backfill(@PathParam("id") UUID id) {
        var b = backfills.find(id).orElseThrow(() -> ProblemException.notFound("there is no backfill " + id));
        access.require(b.namespace(), Role.VIEWER);
        return b;
    }

    @POST
    @Path("/backfills/{id}/cancel")
    @RolesAllowed({"engineer", "admin"})
    public Backfills.Backfill cancelBackfill(@PathParam("id") UUID id) {
        var b = backfills.find(id).orElseThrow(() -> ProblemException.notFound("there is no backfill " + id));
        access.require(b.namespace(), Role.ENGINEER);
        backfills.cancel(id);
        return backfills.find(id).orElseThrow();
    }
}
