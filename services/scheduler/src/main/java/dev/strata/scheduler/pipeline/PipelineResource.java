package dev.strata.scheduler.pipeline;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.strata.scheduler.backfill.Backfills;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunView;
import dev.strata.scheduler.run.TaskLayouts;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

/** Pipelines as YAML: submit (a new version when it changed), validate, read, delete, trigger, backfill. */
@Path("/api/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    static final String YAML_TYPES_1 = "application/yaml";

    public record SavedView(String namespace, String id, int version, boolean created, Instant nextFireAt) {
    }

    /** How many next fire times a pipeline's page shows. */
    static final int NEXT_FIRES = 5;

    /**
     * A valid pipeline as its editor draws it: {@code tasks} is the number of tasks, {@code graph} the tasks in YAML
     * order, {@code layout} where each is drawn (null above the graph limit), {@code params} the declared defaults.
     */
    public record ValidView(boolean valid, String namespace, String id, int tasks, List<TaskNode> graph,
            Map<String, TaskLayouts.Point> layout, NextFires nextFires, Map<String, String> params) {
    }

    /** A task of the DAG drawn from the YAML. */
    public record TaskNode(String id, String type, List<String> dependsOn) {
    }

    /**
     * The next fire times of a schedule ({@code at}, instants; empty without schedule or when {@code paused}) and the
     * schedule's timezone id (null without schedule).
     */
    public record NextFires(String timezone, List<Instant> at, boolean paused) {
    }

    /**
     * {@code paused}: no cron fire, data trigger or webhook starts a run ({@code nextFireAt} is then null). One
     * pipeline read alone ({@code GET /{ns}/{id}}) also carries its {@code graph}, {@code layout}, {@code nextFires}
     * and {@code params}; lists leave them null.
     */
    public record PipelineView(String namespace, String id, int version, String description, String schedule,
            String timezone, Instant nextFireAt, List<String> tasks, Instant createdAt, Instant updatedAt,
            boolean paused, Instant pausedAt, String pausedBy, String yaml, List<TaskNode> graph,
            Map<String, TaskLayouts.Point> layout, NextFires nextFires, Map<String, String> params) {
    }

    public record TriggerRequest(Map<String, String> params) {
    }

    public record BackfillRequest(Instant start, Instant end, Integer concurrency, Boolean onlyMissing,
            Map<String, String> params) {
    }

    private final PipelineStore store;
    private final PipelineReferences references;
    private final NamespaceAccess access;
    private final RunEngine engine;
    private final Backfills backfills;
    private final TriggerIdempotency idempotency;

    private final TaskLayouts layouts;

    PipelineResource(PipelineStore store, NamespaceAccess access, RunEngine engine, Backfills backfills,
            TriggerIdempotency idempotency, PipelineReferences references, TaskLayouts layouts) {
        this.layouts = layouts;
        this.idempotency = idempotency;
        this.store = store;
        this.references = references;
        this.access = access;
        this.engine = engine;
        this.backfills = backfills;
    }

    @POST
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    @RolesAllowed({"engineer", "admin"})
    public Response submit(String yaml) {
        PipelineParser.Parsed parsed = store.parser().parse(yaml);
        access.require(parsed.definition().namespace(), Role.ENGINEER);
        references.check(parsed);
        PipelineStore.Saved saved = store.save(parsed, yaml, access.principal());
        return Response.status(saved.created() ? 201 : 200).entity(view(saved)).build();
    }

    @PUT
    @Path("/{namespace}/{id}")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    @RolesAllowed({"engineer", "admin"})
    public Response update(@PathParam("namespace") String namespace, @PathParam("id") String id, String yaml) {
        access.require(namespace, Role.ENGINEER);
        PipelineParser.Parsed parsed = store.parser().parse(yaml);
        if (!namespace.equals(parsed.definition().namespace()) || !id.equals(parsed.definition().id())) {
            throw ProblemException.badRequest("the YAML declares " + parsed.definition().namespace() + "."
                    + parsed.definition().id() + " but the path names " + namespace + "." + id);
        }
        references.check(parsed);
        PipelineStore.Saved saved = store.save(parsed, yaml, access.principal());
        return Response.status(saved.created() ? 201 : 200).entity(view(saved)).build();
    }

    @POST
    @Path("/validate")
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public ValidView validate(String yaml) {
        PipelineParser.Parsed parsed = store.parser().parse(yaml);
        PipelineDefinition def = parsed.definition();
        if (access.readable().includes(def.namespace())) {
            references.check(parsed);
        }
        List<TaskNode> graph = graph(def);
        return new ValidView(true, def.namespace(), def.id(), def.tasks().size(), graph, layout(graph),
                nextFires(def, false), def.params());
    }

    @GET
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public List<PipelineView> list(@QueryParam("namespace") String namespace, @QueryParam("limit") Integer limit) {
        NamespaceAccess.Scope scope = access.readable();
        if (scope.isEmpty()) {
            return List.of();
        }
        return store.list(scope, namespace, limit == null ? 200 : Math.min(Math.max(limit, 1), 1000)).stream()
                .map(s -> view(s, false)).toList();
    }

    @GET
    @Path("/{namespace}/{id}")
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public PipelineView get(@PathParam("namespace") String namespace, @PathParam("id") String id) {
        access.require(namespace, Role.VIEWER);
        return view(find(namespace, id), true);
    }

    @GET
    @Path("/{namespace}/{id}/versions")
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public List<PipelineStore.VersionInfo> versions(@PathParam("namespace") String namespace,
            @PathParam("id") String id) {
        access.require(namespace, Role.VIEWER);
        find(namespace, id);
        return store.versions(namespace, id);
    }

    @GET
    @Path("/{namespace}/{id}/versions/{version}")
    @Produces("application/yaml")
    @RolesAllowed({"viewer", "analyst", "engineer", "admin"})
    public String version(@PathParam("namespace") String namespace, @PathParam("id") String id,
            @PathParam("version") int version) {
        access.require(namespace, Role.VIEWER);
        return store.yaml(namespace, id, version).orElseThrow(
                () -> ProblemException.notFound("pipeline " + namespace + "." + id + " has no version " + version));
    }

    @DELETE
    @Path("/{namespace}/{id}")
    @RolesAllowed({"engineer", "admin"})
    public Response delete(@PathParam("namespace") String namespace, @PathParam("id") String id) {
        access.require(namespace, Role.ENGINEER);
        if (!store.delete(namespace, id)) {
            throw ProblemException.notFound("there is no pipeline " + namespace + "." + id);
        }
        return Response.noContent().build();
    }

    /**
     * Pauses a pipeline (engineer): cron fires, data triggers and the webhook start no run until it is resumed; runs
     * already started go on, and a person may still trigger one by hand (as Dagster's stopped schedules and sensors).
     */
    @POST
    @Path("/{namespace}/{id}/pause")
    @RolesAllowed({"engineer", "admin"})
    public PipelineView pause(@PathParam("namespace") String namespace, @PathParam("id") String id) {
        access.require(namespace, Role.ENGINEER);
        if (!store.pause(namespace, id, access.principal())) {
            throw ProblemException.notFound("there is no pipeline " + namespace + "." + id);
        }
        return view(find(namespace, id), false);
    }

    /** Resumes a paused pipeline (engineer): its next cron fire is the first after now; missed fires need a backfill. */
    @POST
    @Path("/{namespace}/{id}/resume")
    @RolesAllowed({"engineer", "admin"})
    public PipelineView resume(@PathParam("namespace") String namespace, @PathParam("id") String id) {
        access.require(namespace, Role.ENGINEER);
        if (!store.resume(namespace, id)) {
            throw ProblemException.notFound("there is no pipeline " + namespace + "." + id);
        }
        return view(find(namespace, id), false);
    }

    @POST
    @Path("/{namespace}/{id}/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"engineer", "admin"})
    public Response trigger(@PathParam("namespace") String namespace, @PathParam("id") String id,
            @HeaderParam(TriggerIdempotency.HEADER) String idempotencyKey, TriggerRequest request) {
        access.require(namespace, Role.ENGINEER);
        find(namespace, id);
        return triggered(namespace, id, idempotencyKey, "manual", request == null ? Map.of() : request.params());
    }

    /**
     * A new run answers 202; with an {@code Idempotency-Key} that a request with the same body used in the last 24
     * hours, the run that request made answers 200 (no second run).
     */
    private Response triggered(String namespace, String id, String idempotencyKey, String trigger,
            Map<String, String> params) {
        if (idempotencyKey == null) {
            var run = engine.trigger(namespace, id, trigger, params, null, null);
            return Response.status(202).entity(RunView.of(run, engine.taskRuns(run.id()), List.of())).build();
        }
        TriggerIdempotency.Outcome outcome = idempotency.trigger(namespace, id, idempotencyKey, trigger, params);
        var run = outcome.run();
        return Response.status(outcome.replayed() ? 200 : 202)
                .entity(RunView.of(run, engine.taskRuns(run.id()), List.of())).build();
    }

    /**
     * The webhook trigger: for external systems (a service account's token), only for pipelines that declare
     * {@code - type: webhook}; the JSON body's string fields become run params.
     */
    @POST
    @Path("/{namespace}/{id}/webhook")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"engineer", "admin"})
    public Response webhook(@PathParam("namespace") String namespace, @PathParam("id") String id,
            @HeaderParam(TriggerIdempotency.HEADER) String idempotencyKey, Map<String, Object> body) {
        access.require(namespace, Role.ENGINEER);
        PipelineStore.Stored stored = find(namespace, id);
        if (stored.pausedAt() != null) {
            throw new ProblemException(Response.Status.CONFLICT, "pipeline-paused", "pipeline " + namespace + "." + id
                    + " is paused (since " + stored.pausedAt() + "); resume it (POST .../resume) to accept webhooks");
        }
        PipelineDefinition def = store.definition(namespace, id, stored.version());
        if (def.triggers().stream().noneMatch(t -> t.type() == PipelineDefinition.TriggerType.WEBHOOK)) {
            throw new ProblemException(Response.Status.CONFLICT, "no-webhook-trigger", "pipeline " + namespace + "."
                    + id + " does not declare a webhook trigger; add '- type: webhook' to its triggers");
        }
        Map<String, String> params = new java.util.LinkedHashMap<>();
        if (body != null) {
            body.forEach((k, v) -> {
                if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                    params.put(k, v.toString());
                }
            });
        }
        return triggered(namespace, id, idempotencyKey, "webhook", params);
    }

    @POST
    @Path("/{namespace}/{id}/backfills")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"engineer", "admin"})
    public Response backfill(@PathParam("namespace") String namespace, @PathParam("id") String id,
            BackfillRequest request) {
        access.require(namespace, Role.ENGINEER);
        find(namespace, id);
        if (request == null || request.start() == null || request.end() == null) {
            throw ProblemException.badRequest("a backfill needs start and end (ISO-8601 instants, e.g. "
                    + "2026-11-01T00:00:00Z)");
        }
        if (request.end().isBefore(request.start())) {
            throw ProblemException.badRequest("end " + request.end() + " is before start " + request.start());
        }
        int concurrency = request.concurrency() == null ? 1 : request.concurrency();
        if (concurrency < 1 || concurrency > 100) {
            throw ProblemException.badRequest("concurrency must be between 1 and 100, not " + concurrency);
        }
        var created = backfills.create(namespace, id, request.start(), request.end(), concurrency,
                Boolean.TRUE.equals(request.onlyMissing()), request.params());
        return Response.status(202).entity(created).build();
    }

    private PipelineStore.Stored find(String namespace, String id) {
        return store.find(namespace, id)
                .orElseThrow(() -> ProblemException.notFound("there is no pipeline " + namespace + "." + id));
    }

    private static SavedView view(PipelineStore.Saved s) {
        return new SavedView(s.namespace(), s.id(), s.version(), s.created(), s.nextFireAt());
    }

    /** {@code one}: a pipeline read alone, with its YAML, graph, layout, next fires and params. */
    private PipelineView view(PipelineStore.Stored s, boolean one) {
        PipelineDefinition def = store.definition(s.namespace(), s.id(), s.version());
        boolean paused = s.pausedAt() != null;
        List<TaskNode> graph = one ? graph(def) : null;
        return new PipelineView(s.namespace(), s.id(), s.version(), def.description(),
                def.schedule().map(PipelineDefinition.Schedule::cron).orElse(null),
                def.schedule().map(sc -> sc.timezone().getId()).orElse(null), paused ? null : s.nextFireAt(),
                def.tasks().stream().map(PipelineDefinition.Task::id).toList(), s.createdAt(), s.updatedAt(),
                paused, s.pausedAt(), s.pausedBy(), one ? s.yaml() : null, graph, one ? layout(graph) : null,
                one ? nextFires(def, paused) : null, one ? def.params() : null);
    }

    private static List<TaskNode> graph(PipelineDefinition def) {
        return def.tasks().stream().map(t -> new TaskNode(t.id(), t.type().id(), t.dependsOn())).toList();
    }

    private Map<String, TaskLayouts.Point> layout(List<TaskNode> graph) {
        Map<String, List<String>> deps = new HashMap<>();
        graph.forEach(t -> deps.put(t.id(), t.dependsOn()));
        return layouts.of(graph.stream().map(TaskNode::id).toList(), deps);
    }

    /** The next {@link #NEXT_FIRES} fires of its schedule from now, in its timezone (none when paused). */
    static NextFires nextFires(PipelineDefinition def, boolean paused) {
        return def.schedule()
                .map(sc -> new NextFires(sc.timezone().getId(),
                        paused ? List.of() : Cron.next(sc.cron(), sc.timezone(), Instant.now(), NEXT_FIRES), paused))
                .orElseGet(() -> new NextFires(null, List.of(), paused));
    }

    static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("'" + value + "' is not an id");
        }
    }
}
