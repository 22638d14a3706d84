package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A task attempt failed. Subject: the task run id.
 *
 * @param taskRunId  the task run
 * @param runId      the pipeline run
 * @param error      what went wrong, written for a person to act on
 * @param retryable  whether another attempt may succeed (the scheduler still applies the retry policy)
 * @param durationMs how long the attempt took, in milliseconds
 * @param attempt    which attempt failed, from 1, as in the request; 0 when not given (a producer older than the
 *                   field): the scheduler then takes the failure for the task's current attempt
 */
public record TaskFailed(UUID taskRunId, UUID runId, String error, boolean retryable, long durationMs, int attempt)
        implements
            StrataEvent {

    public static final String TYPE = "dev.strata.task.failed.v1";

    public TaskFailed {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(error, "error is required");
    }
}
