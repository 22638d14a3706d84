package dev.strata.auth.user;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.strata.web.ProblemException;

/** Usernames are lower-case: letters, digits, '.', '_', '-'; 2 to 64 characters; sign-in ignores case. */
public final class Usernames {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");

    private Usernames() {
    }

    public static String normalize(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }

    public static boolean isValid(String username) {
        return VALID.matcher(username).matches();
    }

    public static String require(String username) {
        String normalized = normalize(username);
        if (!isValid(normalized)) {
            throw ProblemException.badRequest("A username has 2 to 64 characters: lower-case letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit.");
        }
        return normalized;
    }
}
