package dev.strata.registry.web;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import dev.strata.registry.db.DataAccessException;

/**
 * Every error of the REST API as an RFC 9457 problem detail, in a sentence a person can act on. Never a stack trace,
 * never the request body (a source spec may hold something secret by mistake).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return Response.fromResponse(Problem.of(Status.UNAUTHORIZED, "unauthenticated",
                "This endpoint needs a bearer access token (Authorization: Bearer <token>).").toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(Status.FORBIDDEN, "forbidden",
                "Your roles do not allow this; ask an admin of the namespace for a higher role.").toResponse();
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        return Problem.of(Status.BAD_REQUEST, "invalid-request",
                "The request body is not the JSON this endpoint expects; see /q/openapi for its shape.").toResponse();
    }

    /** A field of the wrong type ({@code "tags": "x"} for a list): named, so the caller knows what to fix. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatchedBody(MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce("", String::concat);
        if (field.isEmpty()) {
            return unreadableBody(e);
        }
        return Problem.of(Status.BAD_REQUEST, "invalid-request", "Field '" + field.substring(field.startsWith(".")
                ? 1
                : 0) + "' has the wrong type or shape; see /q/openapi for the shape of this body.").toResponse();
    }

    @ServerExceptionMapper
    public Response database(DataAccessException e) {
        if (e.isUniqueViolation()) {
            return Problem.of(Status.CONFLICT, "conflict",
                    "Something with the same name was created at the same time; retry, or pick another name.")
                    .toResponse();
        }
        LOG.error("request failed in the database", e);
        return Problem.of(Status.SERVICE_UNAVAILABLE, "database-unavailable",
                "The registry database did not answer; retry in a moment.").toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        String detail = switch (status) {
            case 403 -> e.getMessage() != null && e.getMessage().startsWith("this needs")
                    ? "This " + e.getMessage().substring("this ".length()) + "."
                    : "Your roles do not allow this; ask an admin of the namespace for a higher role.";
            case 404 -> "There is nothing at this path that you can read; see /q/openapi for the API.";
            case 405 -> "This path does not accept this HTTP method; see /q/openapi.";
            case 406, 415 -> "This endpoint does not speak that media type; see /q/openapi.";
            case 413 -> "The request body is larger than this service accepts (strata.registry.upload.max-size).";
            case 400 -> "The request is malformed; see /q/openapi for what this endpoint expects.";
            default -> known == null ? "The request failed." : known.getReasonPhrase() + ".";
        };
        String title = known == null ? "Error" : known.getReasonPhrase();
        String slug = switch (status) {
            case 403 -> "forbidden";
            case 404 -> "not-found";
            default -> "http-" + status;
        };
        return new Problem("urn:strata:problem:" + slug, title, status, detail).toResponse();
    }
}
