package dev.strata.notifier.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.events.EventEnvelope;
import dev.strata.events.FreshnessBreached;
import dev.strata.events.NotificationRequested;
import dev.strata.events.QualityTestFailed;
import dev.strata.events.RunFailed;
import dev.strata.events.RunSlaMissed;
import dev.strata.events.RunSucceeded;
import dev.strata.events.StrataEvent;

/**
 * What one event tells a person, the same for every channel: each channel only formats it. Stored with each
 * delivery, so a retry sends exactly what the first attempt sent. Fields that do not apply are null.
 *
 * @param eventId     the event's id (CloudEvents {@code id}); receivers drop duplicates by it
 * @param eventType   {@link EventKind#id()}: run_failed, run_succeeded, sla_missed, data_test_failed,
 *                    freshness_breached, test
 * @param namespace   the namespace of the pipeline or dataset
 * @param pipelineId  the pipeline (run events)
 * @param runId       the run (run events; quality events when run in a pipeline)
 * @param status      failed, succeeded, sla_missed, test_failed, freshness_breached, test
 * @param durationMs  how long the run took or had taken
 * @param failedTask  the task whose failure ended the run
 * @param error       that task's error
 * @param slaMs       the SLA that was missed
 * @param dataset     the dataset (quality events)
 * @param test        the data test that failed
 * @param severity    warn or error (quality events)
 * @param failingRows rows that failed the test
 * @param loadedAt    when the dataset was last loaded (freshness)
 * @param thresholdSeconds the freshness threshold
 * @param runUrl      a link to the run in the console
 * @param occurredAt  when the event happened
 * @param message     the text a pipeline asked to send (a notify task, a notification rule)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notification(UUID eventId, String eventType, String namespace, String pipelineId, UUID runId,
        String status, Long durationMs, String failedTask, String error, Long slaMs, String dataset, String test,
        String severity, Long failingRows, Instant loadedAt, Long thresholdSeconds, String runUrl,
        Instant occurredAt, String message) {

    /** The notification of an event, or empty for events nobody subscribes to (e.g. a run started). */
    public static Optional<Notification> of(EventEnvelope<? extends StrataEvent> envelope, String consoleUrl) {
        StrataEvent data = envelope.data();
        UUID id = envelope.id();
        Instant at = envelope.time();
        if (data instanceof RunFailed e) {
            return Optional.of(new Notification(id, EventKind.RUN_FAILED.id(), e.namespace(), e.pipelineId(),
                    e.runId(), "failed", e.durationMs(), e.failedTask(), e.error(), null, null, null, null, null,
                    null, null, runUrl(consoleUrl, e.namespace(), e.pipelineId(), e.runId()), at, null));
        }
        if (data instanceof RunSucceeded e) {
            return Optional.of(new Notification(id, EventKind.RUN_SUCCEEDED.id(), e.namespace(), e.pipelineId(),
                    e.runId(), "succeeded", e.durationMs(), null, null, null, null, null, null, null, null, null,
                    runUrl(consoleUrl, e.namespace(), e.pipelineId(), e.runId()), at, null));
        }
        if (data instanceof RunSlaMissed e) {
            return Optional.of(new Notification(id, EventKind.SLA_MISSED.id(), e.namespace(), e.pipelineId(),
                    e.runId(), "sla_missed", e.elapsedMs(), null, null, e.slaMs(), null, null, null, null, null,
                    null, runUrl(consoleUrl, e.namespace(), e.pipelineId(), e.runId()), at, null));
        }
        if (data instanceof QualityTestFailed e) {
            return Optional.of(new Notification(id, EventKind.DATA_TEST_FAILED.id(), e.namespace(), null, e.runId(),
                    "test_failed", null, null, null, null, e.dataset(), e.test(), e.severity(), e.failingRows(), null,
                    null, null, at, null));
        }
        if (data instanceof FreshnessBreached e) {
            return Optional.of(new Notification(id, EventKind.FRESHNESS_BREACHED.id(), e.namespace(), null, null,
                    "freshness_breached", null, null, null, null, e.dataset(), null, e.severity(), null,
                    e.loadedAt(), e.thresholdSeconds(), null, at, null));
        }
        if (data instanceof NotificationRequested e) {
            return Optional.of(new Notification(id, EventKind.PIPELINE_MESSAGE.id(), e.namespace(), e.pipelineId(),
                    e.runId(), e.status(), null, null, null, null, null, null, null, null, null, null,
                    runUrl(consoleUrl, e.namespace(), e.pipelineId(), e.runId()), at, e.message()));
        }
        return Optional.empty();
    }

    /** A sample for a channel's test-send. */
    public static Notification test(String namespace, String channelName) {
        return new Notification(UUID.randomUUID(), EventKind.TEST.id(), namespace, null, null, "test", null, null,
                "This is a test notification for channel '" + channelName + "'.", null, null, null, null, null,
                null, null, null, Instant.now(), null);
    }

    /** One line saying what happened, e.g. {@code Run failed: sales/orders-daily}. */
    @JsonIgnore
    public String title() {
        return switch (eventType) {
            case "run_failed" -> "Run failed: " + namespace + "/" + pipelineId;
            case "run_succeeded" -> "Run succeeded: " + namespace + "/" + pipelineId;
            case "sla_missed" -> "SLA missed: " + namespace + "/" + pipelineId;
            case "data_test_failed" -> "Data test failed: " + namespace + "." + dataset;
            case "freshness_breached" -> "Freshness breached: " + namespace + "." + dataset;
            case "pipeline_message" -> "Pipeline " + namespace + "/" + pipelineId;
            default -> "Strata test notification (" + namespace + ")";
        };
    }

    /** What happened, one "label: value" line each, for plain-text channels. */
    @JsonIgnore
    public String text() {
        StringBuilder out = new StringBuilder(title()).append("\n\n");
        line(out, "Message", message);
        line(out, "Namespace", namespace);
        line(out, "Pipeline", pipelineId);
        line(out, "Dataset", dataset);
        line(out, "Status", status);
        line(out, "Duration", durationMs == null ? null : human(durationMs));
        line(out, "SLA", slaMs == null ? null : human(slaMs));
        line(out, "Failed task", failedTask);
        line(out, "Error", error);
        line(out, "Test", test);
        line(out, "Severity", severity);
        line(out, "Failing rows", failingRows == null ? null : failingRows.toString());
        line(out, "Last loaded", loadedAt == null ? null : loadedAt.toString());
        line(out, "Threshold", thresholdSeconds == null ? null : human(thresholdSeconds * 1000));
        line(out, "Run", runUrl);
        line(out, "Event", eventId + " at " + occurredAt);
        return out.toString();
    }

    /** {@code 61007} → {@code 1m 1s}; under a second: {@code 412 ms}. */
    public static String human(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        Duration d = Duration.ofMillis(millis);
        StringBuilder out = new StringBuilder();
        if (d.toHours() > 0) {
            out.append(d.toHours()).append("h ");
        }
        if (d.toMinutesPart() > 0 || d.toHours() > 0) {
            out.append(d.toMinutesPart()).append("m ");
        }
        out.append(d.toSecondsPart()).append('s');
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        if (value != null) {
            out.append(label).append(": ").append(value).append('\n');
        }
    }

    private static String runUrl(String consoleUrl, String namespace, String pipelineId, UUID runId) {
        String base = consoleUrl.endsWith("/") ? consoleUrl.substring(0, consoleUrl.length() - 1) : consoleUrl;
        return base + "/namespaces/" + namespace + "/pipelines/" + pipelineId + "/runs/" + runId;
    }
}
