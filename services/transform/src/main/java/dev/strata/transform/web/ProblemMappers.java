package dev.strata.transform.web;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.strata.transform.project.ProjectException;

/** Every error of the REST API as an RFC 9457 problem detail; never a stack trace. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper
    public Response project(ProjectException e) {
        int n = e.problems().size();
        String first = e.problems().isEmpty() ? "" : e.problems().get(0).toString();
        return new Problem("urn:strata:problem:project-does-not-compile", "Unprocessable Content", 422,
                "The project does not compile (" + n + " problem" + (n == 1 ? "" : "s") + "): " + first,
                e.problems()).toResponse();
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        return Problem.of(Status.BAD_REQUEST, "invalid-request",
                "The request body is not the JSON this endpoint expects; see /q/openapi for its shape.").toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        String detail = switch (status) {
            case 403 -> e.getMessage() != null && e.getMessage().contains("role")
                    ? e.getMessage()
                    : "Your roles do not allow this; ask an admin of the namespace for a higher role.";
            case 404 -> "There is nothing here, or you cannot read it; see /q/openapi for the API.";
            case 405 -> "This path does not accept this HTTP method; see /q/openapi.";
            case 406, 415 -> "This endpoint does not speak that media type; see /q/openapi.";
            default -> known == null ? "The request failed." : known.getReasonPhrase() + ".";
        };
        String title = known == null ? "Error" : known.getReasonPhrase();
        return new Problem("urn:strata:problem:http-" + status, title, status, detail, null).toResponse();
    }
}
