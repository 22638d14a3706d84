package dev.strata.netguard;

/**
 * A URL or host that the {@link AddressGuard} refused, with a sentence a person can act on: it names the host and why,
 * never the rest of the URL (which may hold a token) and never anything learnt by connecting (nothing is connected).
 */
public class AddressRefusedException extends RuntimeException {

    /** Why it was refused. */
    public enum Reason {
        /** The URL or host cannot be read: no host, a bad port, an ambiguous number, a refused JDBC parameter. */
        MALFORMED,
        /** The host name does not resolve (may be transient). */
        UNRESOLVED,
        /** The host is or resolves to an internal address that is not allow-listed. */
        INTERNAL,
        /** A chain of redirects longer than the caller allows. */
        TOO_MANY_REDIRECTS
    }

    private final Reason reason;

    public AddressRefusedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether trying again later may succeed: only when a name did not resolve. */
    public boolean retryable() {
        return reason == Reason.UNRESOLVED;
    }
}
