package dev.strata.registry.sql;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vertx.ext.web.RoutingContext;

import dev.strata.registry.sql.SavedObjectService.Kind;
import dev.strata.registry.sql.SavedObjects.Version;
import dev.strata.security.Role;

/**
 * Saved queries, charts and dashboards: {@code /api/v1/namespaces/{ns}/sql/{saved-queries|charts|dashboards}}. Bodies
 * are JSON, or YAML with {@code Content-Type: application/yaml}; a GET with {@code Accept: application/yaml} answers
 * the content as YAML (what a PUT takes back, to keep in git beside the transform project).
 */
@Path("/api/v1/namespaces/{namespace}/sql/{kind: saved-queries|charts|dashboards}")
@Tag(name = "SQL workspace")
public class SavedObjectResource {

    /** Running a saved query: its parameters over the defaults, the row cap. */
    public record RunRequest(Map<String, Object> parameters, Integer maxRows) {
    }

    private final SavedObjectService service;
    private final SqlBodies bodies;

    SavedObjectResource(SavedObjectService service, SqlBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The namespace's saved queries, charts or dashboards (latest versions)")
    public List<Map<String, Object>> list(@PathParam("namespace") String namespace, @PathParam("kind") String kind) {
        return service.list(namespace, Kind.of(kind)).stream().map(service::view).toList();
    }

    @GET
    @Path("/{name}")
    @Produces({MediaType.APPLICATION_JSON, SqlBodies.YAML})
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One saved object, latest version (Accept: application/yaml for its YAML export)")
    public Response get(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
            @PathParam("name") String name, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return answer(service.get(namespace, Kind.of(kind), name), accept);
    }

    @GET
    @Path("/{name}/versions")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The versions of a saved object, newest first")
    public List<Map<String, Object>> versions(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
            @PathParam("name") String name) {
        return service.versions(namespace, Kind.of(kind), name).stream().map(v -> Map.<String, Object>of("version", v
                .version(), "updatedBy", v.createdBy(), "updatedAt", v.createdAt().toString())).toList();
    }

    @GET
    @Path("/{name}/versions/{version}")
    @Produces({MediaType.APPLICATION_JSON, SqlBodies.YAML})
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One version of a saved object")
    public Response version(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
            @PathParam("name") String name, @PathParam("version") int version,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return answer(service.version(namespace, Kind.of(kind), name, version), accept);
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Create or change a saved object (JSON or YAML); a changed content makes version N+1", description = "201 when made, 200 otherwise. A chart naming a missing saved query or a dashboard naming "
            + "a missing chart answers 422 naming the field and value.")
    public Response put(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
            @PathParam("name") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, InputStream body,
            @Context RoutingContext routing) {
        Kind k = Kind.of(kind);
        service.list(namespace, k); // the role check before the body is read
        SavedObjectService.Saved saved = service.put(namespace, k, name, bodies.read(body, type, k.type));
        return Response.status(saved.created() ? 201 : 200).type(MediaType.APPLICATION_JSON)
                .entity(service.view(saved.version())).build();
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Delete a saved object and its versions")
    public Response delete(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
            @PathParam("name") String name) {
        service.delete(namespace, Kind.of(kind), name);
        return Response.noContent().build();
    }

    @POST
    @Path("/{name}/run")
    @Consumes(MediaType.WILDCARD)
    @Produces({SqlResource.NDJSON, MediaType.APPLICATION_JSON})
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Run a saved query (saved-queries only): the same NDJSON as a query")
    public Response run(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
            @PathParam("name") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) String type, InputStream body,
            @Context RoutingContext routing) {
        if (Kind.of(kind) != Kind.QUERY) {
            throw new jakarta.ws.rs.NotFoundException();
        }
        service.get(namespace, Kind.QUERY, name);
        RunRequest request = bodies.read(body, type, RunRequest.class);
        return SqlResource.stream(service.run(namespace, name, request.parameters(), request.maxRows(),
                SqlResource.client(routing)));
    }

    private Response answer(Version v, String accept) {
        if (accept != null && accept.contains("yaml")) {
            return Response.ok(bodies.yaml(service.content(v)), SqlBodies.YAML).build();
        }
        return Response.ok(service.view(v), MediaType.APPLICATION_JSON).build();
    }
}
