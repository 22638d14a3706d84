package dev.strata.transform.web;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.strata.transform.project.ArchiveTooLargeException;
import dev.strata.transform.project.ProjectException;
import dev.strata.web.Problem;

/** Transform's own errors as RFC 9457 problem details (the rest: {@link dev.strata.web.ProblemMappers}). */
public class TransformProblemMappers {

    @ServerExceptionMapper
    public Response project(ProjectException e) {
        int n = e.problems().size();
        String first = e.problems().isEmpty() ? "" : e.problems().get(0).toString();
        return new Problem(Problem.TYPE_PREFIX + "project-does-not-compile", "Unprocessable Content", 422,
                "The project does not compile (" + n + " problem" + (n == 1 ? "" : "s") + "): " + first,
                e.problems()).toResponse();
    }

    @ServerExceptionMapper
    public Response archiveTooLarge(ArchiveTooLargeException e) {
        return Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, "archive-too-large", e.getMessage()).toResponse();
    }
}
