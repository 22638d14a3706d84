package dev.strata.scheduler.web;

import jakarta.ws.rs.core.Response.Status;

/** Ends a request with an RFC 9457 problem detail (rolls back the transaction it is thrown from). */
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

    public static ProblemException forbidden(String detail) {
        return new ProblemException(Status.FORBIDDEN, "forbidden", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Status.CONFLICT, "conflict", detail);
    }
}
