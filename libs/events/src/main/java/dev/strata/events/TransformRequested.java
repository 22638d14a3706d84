package dev.strata.events;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The scheduler asks a transform worker to build models of a project version, as one task of a run. Subject: the task
 * run id.
 *
 * @param taskRunId      the task run this attempt belongs to
 * @param runId          the pipeline run
 * @param namespace      the namespace the project belongs to
 * @param projectVersion the version of the transform project to run
 * @param selector       which models to build, e.g. {@code +orders_daily}
 * @param vars           project variables for this run
 * @param attempt        1 for the first attempt, incremented on each retry
 */
public record TransformRequested(UUID taskRunId, UUID runId, String namespace, String projectVersion,
        String selector, Map<String, String> vars, int attempt) implements StrataEvent {

    public static final String TYPE = "dev.strata.task.transform.requested.v1";

    public TransformRequested {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(projectVersion, "projectVersion is required");
        Objects.requireNonNull(selector, "selector is required");
        vars = vars == null ? Map.of() : Map.copyOf(vars);
    }
}
