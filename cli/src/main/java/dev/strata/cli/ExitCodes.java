package dev.strata.cli;

/** The exit codes of every strata command; the table in cli/README.md says the same. */
final class ExitCodes {

    /** Done; for {@code trigger --wait} and {@code runs follow}: the run succeeded. */
    static final int OK = 0;
    /** The run failed, or the command failed for a reason without a code of its own. */
    static final int FAILURE = 1;
    /** Wrong arguments or options (picocli's usage error). */
    static final int USAGE = 2;
    /** The platform cannot be reached (connection refused, timeout, 502/503/504 from the gateway). */
    static final int UNREACHABLE = 3;
    /** Not signed in, or the sign-in expired or was revoked (401): run strata login. */
    static final int NOT_SIGNED_IN = 4;
    /** Refused by role (403). */
    static final int REFUSED = 5;
    /** No such namespace, pipeline, run... (404). */
    static final int NOT_FOUND = 6;
    /** The platform refused the input (400, 409, 413, 422): the message names the field, file or line. */
    static final int INVALID = 7;
    /** The run timed out (its SLA or the platform's limit). */
    static final int RUN_TIMED_OUT = 8;
    /** The run was cancelled. */
    static final int RUN_CANCELLED = 9;
    /** {@code --wait} or {@code follow} stopped waiting before the run ended ({@code --timeout}). */
    static final int STILL_RUNNING = 124;

    private ExitCodes() {
    }

    /** The exit code for a run that ended in {@code state}. */
    static int ofRun(String state) {
        return switch (state) {
            case "succeeded" -> OK;
            case "timed_out" -> RUN_TIMED_OUT;
            case "cancelled" -> RUN_CANCELLED;
            case "failed" -> FAILURE;
            default -> STILL_RUNNING;
        };
    }
}
