package dev.strata.transform.web;

import java.util.List;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.transform.project.ProjectProblem;

/**
 * An RFC 9457 problem detail: what went wrong, in a sentence a person can act on; for a project that does not
 * compile, every problem with its file and line in {@code errors}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<ProjectProblem> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(Response.Status status, String slug, String detail) {
        return new Problem("urn:strata:problem:" + slug, status.getReasonPhrase(), status.getStatusCode(), detail,
                null);
    }

    public Response toResponse() {
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this).build();
    }
}
