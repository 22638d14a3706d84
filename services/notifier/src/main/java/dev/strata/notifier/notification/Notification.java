package dev.strata.notifier.notification;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

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
 * @param runUrl      a link to the run's page in the web UI: {@code <public-base-url>/ui/namespaces/<ns>/runs/<run>}
 * @param occurredAt  when the event happened
 * @param message     the text a pipeline asked to send (a notify task, a notification rule)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// outcome and subject are derived: written for receivers (webhook body), ignored when a stored delivery is read back
@JsonIgnoreProperties(value = {"outcome", "subject"}, allowGetters = true)
public record Notification(UUID eventId, String eventType, String namespace, String pipelineId, UUID runId,
        String status, Long durationMs, String failedTask, String error, Long slaMs, String dataset, String test,
        String severity, Long failingRows, Instant loadedAt, Long thresholdSeconds, String runUrl,
        Instant occurredAt, String message) {

    /** The notification of an event, or empty for events nobody subscribes to (e.g. a run started). */
    public static Optional<Notification> of(EventEnvelope<? extends StrataEvent> envelope, String publicBaseUrl) {
        StrataEvent data = envelope.data();
        UUID id = envelope.id();
        Instant at = envelope.time();
        if (data instanceof RunFailed e) {
            return Optional.of(new Notification(id, EventKind.RUN_FAILED.id(), e.namespace(), e.pipelineId(),
                    e.runId(), "failed", e.durationMs(), e.failedTask(), e.error(), null, null, null, null, null,
                    null, null, runUrl(publicBaseUrl, e.namespace(), e.runId()), at, null));
        }
        if (data instanceof RunSucceeded e) {
            return Optional.of(new Notification(id, EventKind.RUN_SUCCEEDED.id(), e.namespace(), e.pipelineId(),
                    e.runId(), "succeeded", e.durationMs(), null, null, null, null, null, null, null, null, null,
                    runUrl(publicBaseUrl, e.namespace(), e.runId()), at, null));
        }
        if (data instanceof RunSlaMissed e) {
            return Optional.of(new Notification(id, EventKind.SLA_MISSED.id(), e.namespace(), e.pipelineId(),
                    e.runId(), "sla_missed", e.elapsedMs(), null, null, e.slaMs(), null, null, null, null, null,
                    null, runUrl(publicBaseUrl, e.namespace(), e.runId()), at, null));
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
                    runUrl(publicBaseUrl, e.namespace(), e.runId()), at, e.message()));
        }
        return Optional.empty();
    }

    /** A sample for a channel's test-send. */
    public static Notification test(String namespace, String channelName) {
        return new Notification(UUID.randomUUID(), EventKind.TEST.id(), namespace, null, null, "test", null, null,
                "This is a test notification for channel '" + channelName + "'.", null, null, null, null, null,
                null, null, null, Instant.now(), null);
    }

    /**
     * The outcome in capitals, first in every subject: {@code FAILED}, {@code SUCCEEDED}, {@code SLA MISSED},
     * {@code DATA TEST FAILED}, {@code FRESHNESS BREACHED}, {@code TEST}; a pipeline's message says the run's state
     * when it was sent ({@code RUNNING}, {@code FAILED}, ...).
     */
    @JsonProperty("outcome")
    public String outcome() {
        return switch (eventType) {
            case "run_failed" -> "FAILED";
            case "run_succeeded" -> "SUCCEEDED";
            case "sla_missed" -> "SLA MISSED";
            case "data_test_failed" -> "DATA TEST FAILED";
            case "freshness_breached" -> "FRESHNESS BREACHED";
            case "pipeline_message" -> status == null || status.isBlank()
                    ? "MESSAGE"
                    : status.replace('_', ' ').toUpperCase(java.util.Locale.ROOT);
            default -> "TEST";
        };
    }

    /**
     * One line saying what happened, outcome first, e.g.
     * {@code FAILED: pipeline orders-daily run 7c3e… in namespace sales}; the e-mail subject after {@code [Strata] }.
     */
    @JsonProperty("subject")
    public String title() {
        return outcome() + ": " + switch (eventType) {
            case "run_failed", "run_succeeded", "sla_missed", "pipeline_message" -> "pipeline " + pipelineId
                    + (runId == null ? "" : " run " + runId) + " in namespace " + namespace;
            case "data_test_failed" -> "test " + test + " on dataset " + dataset + " in namespace " + namespace;
            case "freshness_breached" -> "dataset " + dataset + " in namespace " + namespace;
            default -> "Strata test notification in namespace " + namespace;
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

    /** The run's page in the web UI (served by the gateway): {@code <base>/ui/namespaces/<ns>/runs/<run>}. */
    public static String runUrl(String publicBaseUrl, String namespace, UUID runId) {
        String base = publicBaseUrl.endsWith("/")
                ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        return base + "/ui/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8) + "/runs/" + runId;
    }
}
