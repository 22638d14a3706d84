package dev.strata.scheduler.log;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunRecords.RunRow;
import dev.strata.scheduler.run.RunRecords.TaskRunRow;
import dev.strata.scheduler.run.RunState;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;
import dev.strata.web.db.Db;

/**
 * A task run's log (read, or streamed while it runs) and a run's state changes as a stream, under the run's
 * namespace: {@code /api/v1/namespaces/{ns}/runs/{runId}/...}. Viewers may read; a run of another namespace is a 404.
 * The run id is the {@code id} of {@code GET /api/v1/runs/{id}}, the task id the pipeline's ({@code tasks[].taskId}).
 */
@Path("/api/v1/namespaces/{ns}/runs/{runId}")
@RolesAllowed({"viewer", "analyst", "engineer", "admin"})
public class TaskLogResource {

    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 5_000;
    /** Lines or transitions sent per poll of a stream. */
    private static final int STREAM_BATCH = 500;

    private final RunEngine engine;
    private final NamespaceAccess access;
    private final TaskLogStore store;
    private final LiveStreams streams;
    private final Db db;

    TaskLogResource(RunEngine engine, NamespaceAccess access, TaskLogStore store, LiveStreams streams, Db db) {
        this.engine = engine;
        this.access = access;
        this.store = store;
        this.streams = streams;
        this.db = db;
    }

    /**
     * A page of an attempt's log.
     *
     * @param attempt the attempt whose lines these are
     * @param next    the {@code after} of the next page (the last line's seq, or the request's {@code after})
     * @param ended   the task run has ended (its log may still get the last lines for a moment)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskLogView(UUID runId, String taskId, UUID taskRunId, String state, int attempt, int attempts,
            List<LogLine> lines, long next, boolean ended) {
    }

    /** One line: its number in the attempt, when the worker wrote it, {@code info|warn|error}, the text. */
    public record LogLine(int attempt, long seq, Instant ts, String level, String text) {
        static LogLine of(TaskLogStore.Line l) {
            return new LogLine(l.attempt(), l.seq(), l.ts(), l.level(), l.text());
        }
    }

    @GET
    @Path("/tasks/{taskId}/logs")
    @Produces(MediaType.APPLICATION_JSON)
    public TaskLogView logs(@PathParam("ns") String ns, @PathParam("runId") UUID runId,
            @PathParam("taskId") String taskId, @QueryParam("attempt") Integer attempt,
            @QueryParam("after") Long after, @QueryParam("limit") Integer limit) {
        TaskRunRow task = task(ns, runId, taskId);
        if (attempt != null && (attempt < 1 || attempt > Math.max(task.attempt(), 1))) {
            throw invalid("attempt", attempt, "must be between 1 and the task's attempt (" + Math.max(task.attempt(), 1)
                    + ")");
        }
        if (after != null && after < 0) {
            throw invalid("after", after, "must be 0 or more");
        }
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw invalid("limit", limit, "must be between 1 and " + MAX_LIMIT);
        }
        int a = attempt != null ? attempt : Math.max(task.attempt(), 1);
        long from = after == null ? 0 : after;
        List<LogLine> lines = store.read(task.id(), a, from, limit == null ? DEFAULT_LIMIT : limit).stream()
                .map(LogLine::of).toList();
        long next = lines.isEmpty() ? from : lines.get(lines.size() - 1).seq();
        return new TaskLogView(runId, task.taskId(), task.id(), task.state(), a, task.attempt(), lines, next,
                !RunState.TASK_ACTIVE.contains(task.state()));
    }

    /**
     * The log as server-sent events: every line kept so far (of every attempt, in order), then new ones as they
     * arrive, then an {@code end} event when the task run has ended. Events: {@code log} (id {@code <attempt>.<seq>},
     * data a {@link LogLine}), {@code end} (data {@code {"state": ...}}). A client that reconnects with
     * {@code Last-Event-ID} gets the lines after that one.
     */
    @GET
    @Path("/tasks/{taskId}/logs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@PathParam("ns") String ns, @PathParam("runId") UUID runId,
            @PathParam("taskId") String taskId, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink, @Context Sse sse) {
        TaskRunRow task = task(ns, runId, taskId);
        long[] cursor = logCursor(lastEventId); // attempt, seq
        UUID taskRunId = task.id();
        streams.reserve();
        Instant[] endedAt = {null};
        streams.start(runId, sink, sse, out -> {
            // the state first: lines committed before an end seen here are all sent below
            TaskRunRow now = engine.taskRun(taskRunId).orElseThrow();
            boolean ended = !RunState.TASK_ACTIVE.contains(now.state());
            List<TaskLogStore.Line> lines = store.readAfter(taskRunId, (int) cursor[0], cursor[1], STREAM_BATCH);
            for (TaskLogStore.Line l : lines) {
                out.send(l.attempt() + "." + l.seq(), "log", LogLine.of(l));
                cursor[0] = l.attempt();
                cursor[1] = l.seq();
            }
            if (!ended || lines.size() == STREAM_BATCH) {
                return true;
            }
            return keepAfterEnd(out, endedAt, lines.isEmpty(), Map.of("state", now.state()));
        });
    }

    /**
     * A run's state changes as server-sent events, as they are committed: first those so far, then new ones, then
     * {@code end} when the run has ended. Events: {@code transition} (id: the transition's number; data:
     * {@code taskId} (absent for the run itself), {@code from}, {@code to}, {@code attempt}, {@code reason},
     * {@code at}), {@code end} (data {@code {"state": ...}}). {@code Last-Event-ID} resumes after that transition.
     */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void runEvents(@PathParam("ns") String ns, @PathParam("runId") UUID runId,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse) {
        run(ns, runId);
        long[] cursor = {0};
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                cursor[0] = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw invalid("Last-Event-ID", lastEventId, "must be the id of an event of this stream (a number)");
            }
        }
        streams.reserve();
        Instant[] endedAt = {null};
        streams.start(runId, sink, sse, out -> {
            RunRow run = engine.run(runId).orElseThrow();
            boolean ended = !RunState.RUN_ACTIVE.contains(run.state());
            List<Map<String, Object>> transitions = db.list(
                    "SELECT t.id, tr.task_id, t.task_run_id, t.from_state, t.to_state, t.attempt, t.reason, t.at "
                            + "FROM transition t LEFT JOIN task_run tr ON tr.id = t.task_run_id "
                            + "WHERE t.run_id = ? AND t.id > ? ORDER BY t.id LIMIT ?",
                    rs -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", rs.getLong(1));
                        m.put("taskId", rs.getString(2));
                        m.put("taskRunId", Db.uuid(rs, "task_run_id"));
                        m.put("from", rs.getString(4));
                        m.put("to", rs.getString(5));
                        m.put("attempt", rs.getInt(6));
                        m.put("reason", rs.getString(7));
                        m.put("at", Db.instant(rs, "at"));
                        return m;
                    }, runId, cursor[0], STREAM_BATCH);
            for (Map<String, Object> t : transitions) {
                cursor[0] = (Long) t.get("id");
                out.send(String.valueOf(cursor[0]), "transition", t);
            }
            if (!ended || transitions.size() == STREAM_BATCH) {
                return true;
            }
            return keepAfterEnd(out, endedAt, transitions.isEmpty(), Map.of("state", run.state()));
        });
    }

    /** After the end: keeps polling for the grace period, then sends {@code end}; answers whether to go on. */
    private boolean keepAfterEnd(LiveStreams.Out out, Instant[] endedAt, boolean quiet, Map<String, Object> end) {
        if (endedAt[0] == null) {
            endedAt[0] = Instant.now();
        }
        if (quiet && Instant.now().isAfter(endedAt[0].plus(streams.endGrace()))) {
            out.send(null, "end", end);
            return false;
        }
        return true;
    }

    private static long[] logCursor(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return new long[]{0, 0};
        }
        String[] parts = lastEventId.trim().split("\\.", -1);
        try {
            if (parts.length == 2) {
                return new long[]{Integer.parseInt(parts[0]), Long.parseLong(parts[1])};
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw invalid("Last-Event-ID", lastEventId, "must be the id of a log event, <attempt>.<seq>");
    }

    private RunRow run(String ns, UUID runId) {
        access.require(ns, Role.VIEWER);
        return engine.run(runId).filter(r -> r.namespace().equals(ns))
                .orElseThrow(() -> ProblemException.notFound("there is no run " + runId + " in namespace '" + ns
                        + "'"));
    }

    private TaskRunRow task(String ns, UUID runId, String taskId) {
        run(ns, runId);
        return engine.taskRuns(runId).stream().filter(t -> t.taskId().equals(taskId)).findFirst()
                .orElseThrow(() -> ProblemException.notFound("run " + runId + " has no task '" + taskId + "'"));
    }

    private static ProblemException invalid(String field, Object value, String message) {
        String v = String.valueOf(value);
        if (v.length() > 100) {
            v = v.substring(0, 100) + "…";
        }
        return ProblemException.badRequest(field + " '" + v + "' " + message,
                List.of(Map.of("field", field, "value", v, "message", message)));
    }
}
