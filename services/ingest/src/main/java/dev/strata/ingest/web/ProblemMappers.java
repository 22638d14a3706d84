package dev.strata.ingest.web;

import java.sql.SQLException;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.UnauthorizedException;

/** Every error of the REST API as an RFC 9457 problem detail; never a stack trace, never the request body. */
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
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return Problem.of(Status.FORBIDDEN, "forbidden",
                "Your roles do not allow this; ask an admin of the namespace for a higher role.").toResponse();
    }

    @ServerExceptionMapper
    public Response forbiddenInNamespace(ForbiddenException e) {
        return Problem.of(Status.FORBIDDEN, "forbidden", e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        return Problem.of(Status.BAD_REQUEST, "invalid-request",
                "The request body is not a load spec in JSON; see /q/openapi for its shape.").toResponse();
    }

    @ServerExceptionMapper
    public Response database(SQLException e) {
        LOG.errorf("request failed in the database: %s", e.getMessage());
        return Problem.of(Status.SERVICE_UNAVAILABLE, "database-unavailable",
                "The ingest database did not answer; retry in a moment.").toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        String detail = switch (status) {
            case 404 -> "There is nothing here; see /q/openapi for the API.";
            case 405 -> "This path does not accept this HTTP method; see /q/openapi.";
            case 406, 415 -> "This endpoint does not speak that media type; see /q/openapi.";
            case 400 -> "The request is malformed; see /q/openapi for what this endpoint expects.";
            default -> known == null ? "The request failed." : known.getReasonPhrase() + ".";
        };
        String title = known == null ? "Error" : known.getReasonPhrase();
        return new Problem("urn:strata:problem:http-" + status, title, status, detail, null).toResponse();
    }
}
