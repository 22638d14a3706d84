package dev.strata.transform.web;

import jakarta.ws.rs.core.Response.Status;

/** Ends a request with an RFC 9457 problem detail. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Status status, String slug, String detail) {
        super(detail, null, false, false);
        this.problem = Problem.of(status, slug, detail);
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Status.BAD_REQUEST, "invalid-request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Status.NOT_FOUND, "not-found", detail);
    }
}
