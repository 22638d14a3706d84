package dev.strata.registry.sql;

import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vertx.ext.web.RoutingContext;

import dev.strata.security.Role;

@Path("/api/v1/namespaces/{namespace}/sql")
@Tag(name = "SQL workspace")
public class SqlResource {

    public static final String NDJSON = "application/x-ndjson";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    /** A query to run: {@code maxRows} 1..10000 (default 1000), {@code queryId} a UUID to cancel it by. */
    public record QueryRequest(String sql, Map<String, Object> parameters, Integer maxRows, String queryId) {
    }

    /** A query to export as CSV, every row; {@code queryId} (optional) to cancel it by. */
    public record ExportRequest(String sql, Map<String, Object> parameters, String queryId) {
    }

    private final SqlService service;
    private final SqlBodies bodies;

    SqlResource(SqlService service, SqlBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    @POST
    @Path("/queries")
    @Consumes(MediaType.WILDCARD)
    @Produces({NDJSON, MediaType.APPLICATION_JSON})
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Run a query (analyst): NDJSON streamed as rows are fetched", description = "Body "
            + "{\"sql\",\"parameters\",\"maxRows\",\"queryId\"}. Runs as the namespace's read-only Postgres role, in a "
            + "read-only transaction with the statement timeout. Line 1 {queryId, columns}, then one JSON array per "
            + "row, then {\"end\":{rows,truncated,durationMs}} or {\"error\":<problem>}. Errors before the first line "
            + "are problems: 400 syntax (line, column), 403 refused, 422 timed out.")
    public Response query(@PathParam("namespace") String namespace, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type,
            InputStream body, @Context RoutingContext routing) {
        service.requireAnalyst(namespace);
        QueryRequest request = bodies.read(body, type, QueryRequest.class);
        return stream(service.query(namespace, request.sql(), request.parameters(), null, request.maxRows(),
                request.queryId(), client(routing)));
    }

    /**
     * The client of this request, watched: when its HTTP connection closes before the answer ended, the query serving
     * it is cancelled on the server at once (not at the statement timeout).
     */
    static RunningQueries.Client client(RoutingContext routing) {
        RunningQueries.Client client = new RunningQueries.Client(() -> routing.response().closed());
        routing.addEndHandler(ended -> {
            if (ended.failed()) {
                client.gone();
            }
        });
        if (routing.response().closed()) {
            client.gone();
        }
        return client;
    }

    static Response stream(jakarta.ws.rs.core.StreamingOutput output) {
        return Response.ok(output, NDJSON).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("X-Accel-Buffering", "no").build();
    }

    @DELETE
    @Path("/queries/{queryId}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Cancel your running query on the server (pg_cancel_backend); 404 when not running")
    public Response cancel(@PathParam("namespace") String namespace, @PathParam("queryId") String queryId) {
        service.cancel(namespace, queryId);
        return Response.noContent().build();
    }

    @POST
    @Path("/exports")
    @Consumes(MediaType.WILDCARD)
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Export a query's full result as CSV (analyst), streamed", description = "Body "
            + "{\"sql\",\"parameters\"}. COPY (<query>) TO STDOUT WITH CSV HEADER as the namespace's read-only role, "
            + "written into the response as Postgres sends it; no row cap; same errors as a query.")
    public Response export(@PathParam("namespace") String namespace, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type,
            InputStream body, @Context RoutingContext routing) {
        service.requireAnalyst(namespace);
        ExportRequest request = bodies.read(body, type, ExportRequest.class);
        return Response.ok(service.export(namespace, request.sql(), request.parameters(), null,
                request.queryId(), client(routing)), "text/csv")
                .header("Content-Disposition", "attachment; filename=\"query-" + STAMP.format(Instant.now())
                        + ".csv\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("X-Accel-Buffering", "no").build();
    }

    @GET
    @Path("/schema")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The schemas, tables and columns the namespace's analysts may query (autocompletion)")
    public Map<String, Object> schema(@PathParam("namespace") String namespace) {
        return service.schema(namespace);
    }
}
