package dev.strata.notifier.secret;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves secret references: a channel stores the NAME of a secret (e.g. {@code slack-ops}), never its value. The
 * value is looked up when a notification is sent and is never stored, logged or answered.
 */
public interface Secrets {

    /** Secret names: lower-case letters, digits, '-', '_' and '.', starting with a letter or digit. */
    Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    /**
     * The secrets a channel of {@code namespace} sees: the namespace's own (auth service), then the operator's
     * ({@code strata.secrets.<name>}) as a fallback. Resolved once per returned object (one delivery).
     */
    default Secrets in(String namespace) {
        return this;
    }

    /** The value of the secret called {@code name}, if it is set. */
    Optional<String> value(String name);

    /** Where an operator sets the secret called {@code name}, for error messages. */
    default String whereToSet(String name) {
        return "strata.secrets." + name + " (environment variable STRATA_SECRETS_"
                + name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT) + ")";
    }

    /** The value of {@code name}; fails with a sentence saying where to set it when it is not set. */
    default String require(String name) {
        return value(name).orElseThrow(() -> new MissingSecretException(
                "secret '" + name + "' is not set: set " + whereToSet(name)));
    }

    /** {@code text} with every occurrence of one of {@code values} replaced by {@code ***}. */
    static String mask(String text, Collection<String> values) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String value : values) {
            if (value != null && value.length() >= 4) {
                masked = masked.replace(value, "***");
            }
        }
        return masked;
    }

    /** A referenced secret is not set. */
    class MissingSecretException extends RuntimeException {
        public MissingSecretException(String message) {
            super(message, null, false, false);
        }
    }
}
