package dev.strata.events;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A task attempt finished successfully. Subject: the task run id.
 *
 * @param taskRunId  the task run
 * @param runId      the pipeline run
 * @param rows       rows the task wrote
 * @param bytes      bytes the task wrote
 * @param durationMs how long the attempt took, in milliseconds
 * @param outputs    what the task produced, e.g. {@code versionId} or {@code manifest} location
 * @param attempt    which attempt succeeded, from 1, as in the request; 0 when not given (a producer older than the
 *                   field): the scheduler then takes the success for the task's current attempt
 */
public record TaskSucceeded(UUID taskRunId, UUID runId, long rows, long bytes, long durationMs,
        Map<String, String> outputs, int attempt) implements StrataEvent {

    public static final String TYPE = "dev.strata.task.succeeded.v1";

    public TaskSucceeded {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(runId, "runId is required");
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }
}
