package dev.strata.transform.quality;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the data dashboard and the freshness alert read ({@code observability/README.md}), per dataset
 * ({@code <namespace>.<table>}): failed data tests, and for each source with a freshness rule the age of its newest
 * data (growing between checks) next to its {@code error_after} threshold.
 */
@ApplicationScoped
public class QualityMetrics {

    private record Freshness(Instant loadedAt, long errorAfterSecs) {
    }

    private final MeterRegistry registry;
    private final Map<String, Freshness> freshness = new ConcurrentHashMap<>();

    QualityMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void testFailed(String dataset, String test) {
        Counter.builder("strata.transform.test.failures").description("failed data tests, by dataset and test")
                .tags("dataset", dataset, "test", test).register(registry).increment();
    }

    /** The result of a freshness check: the newest data's time (null when the table is empty) and the threshold. */
    public void freshnessChecked(String dataset, Instant loadedAt, long errorAfterSecs) {
        if (loadedAt == null) {
            return;
        }
        if (freshness.put(dataset, new Freshness(loadedAt, errorAfterSecs)) == null) {
            Gauge.builder("strata.transform.dataset.freshness", freshness,
                    f -> Duration.between(f.get(dataset).loadedAt(), Instant.now()).toMillis() / 1000.0)
                    .description("age of the dataset's newest data, from its last freshness check").baseUnit("seconds")
                    .tag("dataset", dataset).register(registry);
            if (errorAfterSecs > 0) {
                Gauge.builder("strata.transform.dataset.freshness.error.after", freshness,
                        f -> f.get(dataset).errorAfterSecs()).description("the dataset's error_after threshold")
                        .baseUnit("seconds").tag("dataset", dataset).register(registry);
            }
        }
    }
}
