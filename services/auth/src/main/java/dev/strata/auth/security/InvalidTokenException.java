package dev.strata.auth.security;

/** A refused access token, with the sentence that says why (safe to show: it never contains the token). */
public class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String reason) {
        super(reason, null, false, false);
    }
}
