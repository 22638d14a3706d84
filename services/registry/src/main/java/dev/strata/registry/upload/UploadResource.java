package dev.strata.registry.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;

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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.strata.security.Role;
import dev.strata.web.ProblemException;

@Path("/api/v1/datasets/{namespace}/{name}/uploads")
@Tag(name = "Uploads")
public class UploadResource {

    private static final Logger LOG = Logger.getLogger(UploadResource.class);
    private static final String FILE_PART = "file";
    private static final String MULTIPART = MediaType.MULTIPART_FORM_DATA;
    private static final String SUMMARY = "Upload a file for the dataset (engineer in its namespace)";
    private static final String DESCRIPTION = "Two forms. (1) The request body is the file's bytes, with any content "
            + "type but multipart/form-data, and ?filename= names it (curl --data-binary @orders.csv "
            + "'.../uploads?filename=orders.csv'): streamed to S3, never held whole in memory. (2) A "
            + "multipart/form-data form with exactly one file part named 'file' (curl -F file=@orders.csv "
            + ".../uploads): the part's filename names the file unless ?filename= is given; the part is spooled to "
            + "the service's disk, then streamed to S3 and deleted. Either way the file lands at "
            + "ns/<namespace>/uploads/<name>/<uploadId>/<filename> in the lake bucket, at most "
            + "strata.registry.upload.max-size bytes. Answers the location, size, SHA-256 and the load-spec source "
            + "that loads it. The dataset need not be registered yet. A caller without the engineer role in the "
            + "namespace is refused before any of the body is read. A form without a 'file' part, or with more "
            + "than one file part, answers 400.";

    private final UploadService service;

    UploadResource(UploadService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = SUMMARY, description = DESCRIPTION)
    public Response upload(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("filename") String filename, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
            InputStream body) {
        Upload upload = service.upload(namespace, name, filename, contentLength, body);
        return Response.status(Response.Status.CREATED).entity(upload).build();
    }

    /**
     * The same upload as a multipart form ({@code curl -F file=@orders.csv}). Quarkus has written every file part to
     * {@code quarkus.http.body.uploads-directory} before this runs (bounded by
     * {@code quarkus.http.limits.max-body-size}), so {@link UploadAdmission} checks the caller before the form is read;
     * the part is streamed from there and deleted once it is in the lake.
     */
    @POST
    @Consumes(MULTIPART)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @UploadAdmission.BeforeBody
    @Operation(summary = SUMMARY, description = DESCRIPTION)
    @RequestBody(content = @Content(mediaType = MULTIPART, schema = @Schema(implementation = Form.class)))
    public Response uploadForm(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("filename") String filename,
            @RestForm(FileUpload.ALL) @Schema(hidden = true) List<FileUpload> parts) {
        List<FileUpload> files = parts == null ? List.of() : parts;
        try {
            FileUpload file = filePart(files);
            Upload upload = service.upload(namespace, name, filename != null ? filename : file.fileName(),
                    file.uploadedFile());
            return Response.status(Response.Status.CREATED).entity(upload).build();
        } finally {
            files.forEach(UploadResource::delete);
        }
    }

    /** The multipart form as OpenAPI shows it; {@link #uploadForm} reads the parts themselves. */
    @Schema(name = "UploadForm", requiredProperties = FILE_PART)
    record Form(@Schema(type = SchemaType.STRING, format = "binary", description = "The file; its filename names it "
            + "unless ?filename= is given.") String file) {
    }

    private static FileUpload filePart(List<FileUpload> files) {
        if (files.size() == 1 && FILE_PART.equals(files.get(0).name())) {
            return files.get(0);
        }
        String found = files.isEmpty()
                ? "none"
                : files.stream().map(f -> "'" + f.name() + "'").collect(Collectors.joining(", "));
        throw ProblemException.badRequest("A multipart upload takes exactly one file part, named '" + FILE_PART
                + "' (curl -F " + FILE_PART + "=@orders.csv); this form has file parts: " + found + ".");
    }

    private static void delete(FileUpload file) {
        try {
            Files.deleteIfExists(file.uploadedFile());
        } catch (IOException e) {
            LOG.warnf("could not delete the spooled upload %s: %s", file.uploadedFile(), e.getMessage());
        }
    }
}
