package dev.strata.registry.upload;

import java.io.InputStream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.security.Role;

@Path("/api/v1/datasets/{namespace}/{name}/uploads")
@Tag(name = "Uploads")
public class UploadResource {

    private final UploadService service;

    UploadResource(UploadService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Upload a file for the dataset (engineer in its namespace)", description = "The request "
            + "body is the file's bytes (any content type), streamed to S3 at "
            + "uploads/<namespace>/<name>/<uploadId>/<filename> in the lake bucket, never held whole in memory. "
            + "Answers the location and the load-spec source that loads it. The dataset need not be registered yet.")
    public Response upload(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("filename") String filename, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
            InputStream body) {
        Upload upload = service.upload(namespace, name, filename, contentLength, body);
        return Response.status(Response.Status.CREATED).entity(upload).build();
    }
}
