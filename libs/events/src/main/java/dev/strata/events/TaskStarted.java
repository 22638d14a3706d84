package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A worker claimed a task and started an attempt. Subject: the task run id.
 *
 * @param taskRunId the task run
 * @param runId     the pipeline run
 * @param worker    the worker that runs the attempt, e.g. its pod name
 * @param attempt   which attempt this is, from 1
 */
public record TaskStarted(UUID taskRunId, UUID runId, String worker, int attempt) implements StrataEvent {

    public static final String TYPE = "dev.strata.task.started.v1";

    public TaskStarted {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(worker, "worker is required");
    }
}
