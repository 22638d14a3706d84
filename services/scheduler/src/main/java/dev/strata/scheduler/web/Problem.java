package dev.strata.scheduler.web;

import java.util.List;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem detail: what went wrong, in a sentence a person can act on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** One finding about the submitted document: where (YAML path, line, column) and what, in a sentence. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(String path, Integer line, Integer column, String message) {
    }

    public Problem(String type, String title, int status, String detail) {
        this(type, title, status, detail, null);
    }

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(Response.Status status, String slug, String detail) {
        return new Problem("urn:strata:problem:" + slug, status.getReasonPhrase(), status.getStatusCode(), detail);
    }

    public Response toResponse() {
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this).build();
    }
}
