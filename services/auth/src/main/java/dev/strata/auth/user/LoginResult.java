package dev.strata.auth.user;

/** The outcome of a sign-in with username and password. */
public record LoginResult(Outcome outcome, User user) {

    public enum Outcome {
        SUCCESS,
        /** Wrong password or unknown username: the page does not say which. */
        INVALID,
        /** Too many failures in a row (also said for a username that does not exist). */
        LOCKED,
        DISABLED
    }

    static LoginResult success(User user) {
        return new LoginResult(Outcome.SUCCESS, user);
    }

    static LoginResult failed(Outcome outcome) {
        return new LoginResult(outcome, null);
    }
}
