package dev.strata.notifier.secret;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.strata.security.client.ResolvedConnection;

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

    /**
     * The connection called {@code name} of the namespace (auth service), with its secrets' values, resolved now and
     * kept for this object's use only; empty when the namespace has no such connection.
     *
     * @throws MissingSecretException when it cannot be read now (no service account, the auth service refused or did
     *                                not answer)
     */
    default Optional<ResolvedConnection> connection(String name) {
        throw new MissingSecretException("connection '" + name + "' cannot be read: connections are kept by the auth "
                + "service, and the notifier has no service account (strata.notifier.service-account.client-id)");
    }

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
