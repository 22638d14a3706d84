package dev.strata.events;

import java.util.Objects;
import java.util.UUID;

/**
 * A pipeline asks the notifier to send a message to a channel: a {@code notify} task, or a pipeline's notification
 * rule (on failure, success or SLA miss). Subject: the run id.
 *
 * @param runId      the run
 * @param taskRunId  the notify task run; absent for a pipeline notification rule
 * @param namespace  the pipeline's namespace
 * @param pipelineId the pipeline
 * @param channel    the notifier channel's name, e.g. {@code data-alerts}
 * @param event      what happened: {@code task}, {@code run_failed}, {@code run_succeeded} or {@code sla_missed}
 * @param status     the run's state when the request was made, e.g. {@code running}, {@code failed}
 * @param message    the text to send, written for a person
 */
public record NotificationRequested(UUID runId, UUID taskRunId, String namespace, String pipelineId, String channel,
        String event, String status, String message) implements StrataEvent {

    public static final String TYPE = "dev.strata.run.notification.requested.v1";

    public NotificationRequested {
        Objects.requireNonNull(runId, "runId is required");
        Objects.requireNonNull(namespace, "namespace is required");
        Objects.requireNonNull(pipelineId, "pipelineId is required");
        Objects.requireNonNull(channel, "channel is required");
        Objects.requireNonNull(event, "event is required");
    }
}
