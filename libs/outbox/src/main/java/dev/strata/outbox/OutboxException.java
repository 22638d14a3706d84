package dev.strata.outbox;

/** The outbox could not write, publish or clean up; the cause says why (a database or a Kafka error). */
public class OutboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
