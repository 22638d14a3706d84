package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A worker is still running a task; the scheduler treats a task without heartbeats as lost. Subject: the task run id.
 *
 * @param taskRunId the task run
 * @param worker    the worker that runs it
 * @param attempt   which attempt is running, from 1, as in the request; 0 when not given (a producer older than the
 *                  field): the scheduler then takes the heartbeat for the task's current attempt
 */
public record TaskHeartbeated(UUID taskRunId, String worker, int attempt) implements StrataEvent {

    public static final String TYPE = "dev.strata.task.heartbeated.v1";

    public TaskHeartbeated {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(worker, "worker is required");
    }
}
