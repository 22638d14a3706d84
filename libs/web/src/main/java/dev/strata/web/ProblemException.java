package dev.strata.web;

import java.util.List;

import jakarta.ws.rs.core.Response.Status;

/** Ends a request with an RFC 9457 problem detail (rolls back the transaction it is thrown from). */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public ProblemException(Status status, String slug, String detail) {
        this(Problem.of(status, slug, detail));
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String detail) {
        return badRequest(detail, null);
    }

    /** A 400 whose {@code errors} lists every finding (null: none listed). */
    public static ProblemException badRequest(String detail, List<?> errors) {
        return new ProblemException(Problem.of(Status.BAD_REQUEST, "invalid-request", detail, errors));
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
