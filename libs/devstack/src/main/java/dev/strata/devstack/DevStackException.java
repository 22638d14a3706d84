package dev.strata.devstack;

/**
 * A dev-stack failure a person can act on: the message is one plain sentence that says what went wrong and what to
 * do, never a stack trace.
 */
public class DevStackException extends RuntimeException {

    public DevStackException(String message) {
        super(message);
    }

    public DevStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
