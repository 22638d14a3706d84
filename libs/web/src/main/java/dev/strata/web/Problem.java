package dev.strata.web;

import java.util.List;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail: what went wrong, in a sentence a person can act on. {@code errors}, when there is more
 * than one finding, lists each (a service's own record: a message, a file and line, a YAML path...).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<?> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The prefix of every problem type: {@code urn:strata:problem:<slug>}. */
    public static final String TYPE_PREFIX = "urn:strata:problem:";

    public Problem(String type, String title, int status, String detail) {
        this(type, title, status, detail, null);
    }

    public static Problem of(Response.Status status, String slug, String detail) {
        return of(status, slug, detail, null);
    }

    public static Problem of(Response.Status status, String slug, String detail, List<?> errors) {
        return new Problem(TYPE_PREFIX + slug, status.getReasonPhrase(), status.getStatusCode(), detail, errors);
    }

    public Response toResponse() {
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this).build();
    }
}
