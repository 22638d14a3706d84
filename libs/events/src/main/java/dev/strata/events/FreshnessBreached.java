package dev.strata.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A dataset has not been loaded within its freshness threshold. Subject: {@code <namespace>.<dataset>}.
 *
 * @param namespace        the dataset's namespace
 * @param dataset          the dataset's name
 * @param loadedAt         when its latest version was loaded; {@code null} if it was never loaded
 * @param thresholdSeconds the freshness threshold that was breached, in seconds
 * @param severity         {@code warn} or {@code error}
 */
public record FreshnessBreached(String namespace, String dataset, Instant loadedAt, long thresholdSeconds,
        String severity) implements StrataEvent {

    public static final String TYPE = "dev.strata.quality.freshness.breached.v1";

    public FreshnessBreached {
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(dataset, "dataset is required");
        Objects.requireNonNull(severity, "severity is required");
    }
}
