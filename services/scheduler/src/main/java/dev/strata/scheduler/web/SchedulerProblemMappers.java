package dev.strata.scheduler.web;

import java.util.List;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.strata.scheduler.pipeline.FieldError;
import dev.strata.scheduler.pipeline.PipelineInvalidException;
import dev.strata.scheduler.pipeline.PipelineReferences;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.web.Problem;

/** The scheduler's own errors as RFC 9457 problem details (the rest: {@link dev.strata.web.ProblemMappers}). */
public class SchedulerProblemMappers {

    @ServerExceptionMapper
    public Response invalidPipeline(PipelineInvalidException e) {
        List<FieldError> errors = e.errors();
        String detail = e.getMessage() + (errors.size() > 1
                ? " (and " + (errors.size() - 1) + " more finding"
                        + (errors.size() > 2 ? "s" : "") + ", see errors)"
                : "");
        return Problem.of(Status.BAD_REQUEST, "invalid-pipeline", detail, errors).toResponse();
    }

    /** A pipeline names what does not exist in another service: 422, each finding with its YAML path and line. */
    @ServerExceptionMapper
    public Response unresolved(PipelineReferences.UnresolvedReferencesException e) {
        List<FieldError> errors = e.errors();
        String detail = e.getMessage()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more, see errors)" : "");
        return new Problem(Problem.TYPE_PREFIX + "unresolved-reference", "Unprocessable Content", 422, detail,
                errors).toResponse();
    }

    @ServerExceptionMapper
    public Response refused(RunEngine.RefusedException e) {
        return Problem.of(Status.CONFLICT, "refused", e.getMessage()).toResponse();
    }
}
