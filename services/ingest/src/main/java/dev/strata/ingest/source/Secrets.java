package dev.strata.ingest.source;

import java.util.Optional;

import dev.strata.ingest.load.LoadException;

/** Resolves a {@code credentialsRef} to the secret's value. Values are never logged nor put in messages. */
@FunctionalInterface
public interface Secrets {

    Optional<String> lookup(String ref);

    default String resolve(String ref) {
        return lookup(ref).orElseThrow(() -> LoadException.input("source.credentialsRef '" + ref
                + "' names no secret: set strata.ingest.secrets." + ref + " (environment STRATA_INGEST_SECRETS_"
                + ref.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + ") on the workers"));
    }
}
