package dev.strata.gateway.problem;

/** A failure that already knows what the caller should see. No stack trace: it is an answer, not a bug. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
