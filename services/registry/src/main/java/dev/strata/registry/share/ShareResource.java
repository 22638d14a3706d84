package dev.strata.registry.share;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.strata.registry.dataset.DatasetNames;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

@Path("/api/v1/namespaces/{namespace}/datasets/{name}/shares")
@Tag(name = "Shares")
@Produces(MediaType.APPLICATION_JSON)
public class ShareResource {

    private final ShareService service;
    private final ObjectMapper strict;

    ShareResource(ShareService service, ObjectMapper json) {
        this.service = service;
        this.strict = json.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The namespaces the dataset is shared with (viewer in its namespace)")
    public List<DatasetShare> list(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        return service.list(namespace, name);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Share the dataset with another namespace (admin in its namespace)", description = "Body "
            + "{\"namespace\":\"<reader>\"}. The reader namespace's role gets SELECT on exactly the dataset's "
            + "warehouse table, granted by the dataset's namespace role; its users see the dataset read-only. "
            + "Audited as dataset.shared. 201 when made, 200 when it existed (the grant is made again). 409 when the "
            + "table does not exist yet.")
    @RequestBody(content = @org.eclipse.microprofile.openapi.annotations.media.Content(schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(implementation = ShareRequest.class)))
    public Response share(@PathParam("namespace") String namespace, @PathParam("name") String name, JsonNode body) {
        ShareService.Outcome outcome = service.share(namespace, name, read(body));
        if (!outcome.created()) {
            return Response.ok(outcome.share()).build();
        }
        return Response.created(URI.create("/api/v1/namespaces/" + namespace + "/datasets/" + name + "/shares/"
                + outcome.share().namespace())).entity(outcome.share()).build();
    }

    @DELETE
    @Path("/{reader}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Take a share back (admin in the dataset's namespace)", description = "The reader "
            + "namespace's role loses SELECT on the table at once. Audited as dataset.unshared.")
    public Response unshare(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @PathParam("reader") String reader) {
        service.unshare(namespace, name, reader);
        return Response.noContent().build();
    }

    /** The body, refusing any field but {@code namespace}. */
    private ShareRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.badRequest("The body is a JSON object naming the namespace to share with: "
                    + "{\"namespace\":\"<namespace>\"}.");
        }
        try {
            return strict.treeToValue(body, ShareRequest.class);
        } catch (UnrecognizedPropertyException e) {
            throw ProblemException.badRequest("Unknown field '" + DatasetNames.printable(e.getPropertyName())
                    + "': a share takes only {\"namespace\":\"<namespace>\"}.");
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("'namespace' must be a string: {\"namespace\":\"<namespace>\"}.");
        }
    }
}
