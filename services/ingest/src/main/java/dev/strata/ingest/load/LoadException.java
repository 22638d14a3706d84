package dev.strata.ingest.load;

/**
 * A load that cannot go on, with a message written for the person who asked for it: what was wrong and where (file,
 * line, column, value). Never carries a secret.
 */
public class LoadException extends RuntimeException {

    private final boolean retryable;

    public LoadException(String message, boolean retryable) {
        super(message, null, false, false);
        this.retryable = retryable;
    }

    public LoadException(String message, boolean retryable, Throwable cause) {
        super(message, cause, false, false);
        this.retryable = retryable;
    }

    /** Bad input or a bad spec: another attempt with the same input fails the same way. */
    public static LoadException input(String message) {
        return new LoadException(message, false);
    }

    /** A source, the lake or the warehouse was not reachable: another attempt may succeed. */
    public static LoadException unavailable(String message, Throwable cause) {
        return new LoadException(message, true, cause);
    }

    public boolean retryable() {
        return retryable;
    }
}
