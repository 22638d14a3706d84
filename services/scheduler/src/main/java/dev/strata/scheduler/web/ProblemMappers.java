package dev.strata.scheduler.web;

import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import dev.strata.scheduler.db.DataAccessException;
import dev.strata.scheduler.pipeline.PipelineInvalidException;
import dev.strata.scheduler.run.RunEngine;

/**
 * Every error of the REST API as an RFC 9457 problem detail. Messages never repeat the request body: it may hold a
 * password or a secret.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response invalidPipeline(PipelineInvalidException e) {
        List<Problem.FieldError> errors = e.errors();
        String detail = e.getMessage() + (errors.size() > 1
                ? " (and " + (errors.size() - 1) + " more finding"
                        + (errors.size() > 2 ? "s" : "") + ", see errors)"
                : "");
        return new Problem("urn:strata:problem:invalid-pipeline", "Bad Request", 400, detail, errors).toResponse();
    }

    @ServerExceptionMapper
    public Response refused(RunEngine.RefusedException e) {
        return Problem.of(Status.CONFLICT, "refused", e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        String reason = "The bearer token is missing or invalid; sign in again to get a new one.";
        return Response.fromResponse(Problem.of(Status.UNAUTHORIZED, "invalid-token", reason).toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build();
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

    @ServerExceptionMapper
    public Response database(DataAccessException e) {
        if (e.isUniqueViolation()) {
            return Problem.of(Status.CONFLICT, "conflict",
                    "Something with the same name was created at the same time; retry with another name.")
                    .toResponse();
        }
        LOG.error("request failed in the database", e);
        return Problem.of(Status.SERVICE_UNAVAILABLE, "database-unavailable",
                "The scheduler database did not answer; retry in a moment.").toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        String detail = switch (status) {
            case 404 -> "There is nothing at this path; see /q/openapi for the API.";
            case 405 -> "This path does not accept this HTTP method; see /q/openapi.";
            case 406, 415 -> "This endpoint does not speak that media type; see /q/openapi.";
            case 400 -> "The request is malformed; see /q/openapi for what this endpoint expects.";
            default -> known == null ? "The request failed." : known.getReasonPhrase() + ".";
        };
        String title = known == null ? "Error" : known.getReasonPhrase();
        return new Problem("urn:strata:problem:http-" + status, title, status, detail).toResponse();
    }
}
