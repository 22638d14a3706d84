package dev.strata.auth.user;

import java.util.Locale;

import dev.strata.web.ProblemException;

/** What a password must be: at least 12 characters, at most 256, not the username. */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;

    private PasswordPolicy() {
    }

    public static void check(String username, String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw ProblemException.badRequest("The password must have at least " + MIN_LENGTH + " characters.");
        }
        if (password.length() > MAX_LENGTH) {
            throw ProblemException.badRequest("The password must have at most " + MAX_LENGTH + " characters.");
        }
        if (username != null && password.toLowerCase(Locale.ROOT).equals(username.toLowerCase(Locale.ROOT))) {
            throw ProblemException.badRequest("The password must not be the username.");
        }
    }
}
