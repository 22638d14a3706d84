package dev.strata.ingest.web;

import java.util.List;

import jakarta.ws.rs.core.Response.Status;

/** Ends a request with an RFC 9457 problem detail. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String detail, List<String> errors) {
        return new ProblemException(new Problem("urn:strata:problem:invalid-request", Status.BAD_REQUEST
                .getReasonPhrase(), 400, detail, errors));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(Status.NOT_FOUND, "not-found", detail));
    }
}
