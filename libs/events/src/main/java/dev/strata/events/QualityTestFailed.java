package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A data quality test found failing rows in a dataset. Subject: {@code <namespace>.<dataset>}.
 *
 * @param namespace   the dataset's namespace
 * @param dataset     the dataset's name
 * @param test        the test that failed, e.g. {@code not_null(order_id)}
 * @param severity    {@code warn} or {@code error}
 * @param failingRows how many rows failed the test
 * @param runId       the pipeline run that ran the test; {@code null} when run outside a pipeline
 */
public record QualityTestFailed(String namespace, String dataset, String test, String severity, long failingRows,
        UUID runId) implements StrataEvent {

    public static final String TYPE = "dev.strata.quality.test.failed.v1";

    public QualityTestFailed {
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(dataset, "dataset is required");
        Objects.requireNonNull(test, "test is required");
        Objects.requireNonNull(severity, "severity is required");
    }
}
