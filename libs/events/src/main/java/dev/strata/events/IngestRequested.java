package dev.strata.events;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The scheduler asks an ingest worker to load a dataset, as one task of a run. Subject: the task run id.
 *
 * @param taskRunId the task run this attempt belongs to
 * @param runId     the pipeline run
 * @param namespace the target dataset's namespace
 * @param dataset   the target dataset's name
 * @param attempt   1 for the first attempt, incremented on each retry
 * @param params    run parameters (never secrets: those are resolved by the worker). Producers older than
 *                  {@code spec} put the load spec here as JSON under {@code "spec"}; ingest still reads that
 *                  when {@code spec} is absent.
 * @param pipelineNamespace the namespace of the pipeline whose run asks (optional, null when not given: a producer
 *                  older than the field). Ingest refuses a request whose dataset lies in another namespace.
 * @param spec      the load spec to execute, typed (optional for compatibility: null from a producer older than the
 *                  field, which sends {@code params.spec} instead). The scheduler fills it from the pipeline's inline
 *                  spec or from the registered dataset a task names ({@code inputs.dataset}).
 */
public record IngestRequested(UUID taskRunId, UUID runId, String namespace, String dataset, int attempt,
        Map<String, String> params, String pipelineNamespace, LoadSpec spec) implements StrataEvent {

    public static final String TYPE = "dev.strata.task.ingest.requested.v1";

    public IngestRequested {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(dataset, "dataset is required");
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    /** A request without a typed spec (as producers older than the field send it). */
    public IngestRequested(UUID taskRunId, UUID runId, String namespace, String dataset, int attempt,
            Map<String, String> params, String pipelineNamespace) {
        this(taskRunId, runId, namespace, dataset, attempt, params, pipelineNamespace, null);
    }

    /** A request without the pipeline's namespace (as producers older than the field send it). */
    public IngestRequested(UUID taskRunId, UUID runId, String namespace, String dataset, int attempt,
            Map<String, String> params) {
        this(taskRunId, runId, namespace, dataset, attempt, params, null, null);
    }
}
