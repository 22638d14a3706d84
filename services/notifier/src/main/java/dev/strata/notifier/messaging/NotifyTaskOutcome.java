package dev.strata.notifier.messaging;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.NotificationRequested;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.quarkus.Outbox;

/**
 * Reports a pipeline's {@code notify} task to the scheduler as workers report theirs: {@link TaskStarted}, then
 * {@link TaskSucceeded} (the notification is taken: a delivery to the named channel exists) or {@link TaskFailed} (the
 * namespace has no channel of that name), on the task events topic, through the outbox in the transaction that handles
 * the request. Event ids derive from the request's, so a request handled again reports nothing new. A pipeline's
 * notification rule (no task run) reports nothing.
 */
@ApplicationScoped
public class NotifyTaskOutcome {

    static final String SOURCE = "/strata/notifier";
    static final String WORKER = "notifier";

    private final EventCodec codec = new EventCodec();
    private final Outbox outbox;

    NotifyTaskOutcome(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The notification was taken for the channel {@code channelId}. */
    void succeeded(Connection tx, UUID requestId, NotificationRequested request, UUID channelId) {
        if (request.taskRunId() == null) {
            return;
        }
        started(tx, requestId, request);
        // attempt 0: the request does not say which attempt it is; the scheduler takes it for the current one
        append(tx, id("succeeded", requestId), request.taskRunId(), new TaskSucceeded(request.taskRunId(),
                request.runId(), 0, 0, 0, Map.of("channel", request.channel(), "channelId", channelId.toString()),
                0));
    }

    /** The notification cannot be sent: the task fails with {@code error}, not retried (a retry would fail alike). */
    void failed(Connection tx, UUID requestId, NotificationRequested request, String error) {
        if (request.taskRunId() == null) {
            return;
        }
        started(tx, requestId, request);
        append(tx, id("failed", requestId), request.taskRunId(), new TaskFailed(request.taskRunId(),
                request.runId(), error, false, 0, 0));
    }

    /** After the transaction committed: the relay sends the reports now. */
    void sent() {
        outbox.wakeUp();
    }

    private void started(Connection tx, UUID requestId, NotificationRequested request) {
        append(tx, id("started", requestId), request.taskRunId(), new TaskStarted(request.taskRunId(),
                request.runId(), WORKER, 0));
    }

    private static UUID id(String kind, UUID requestId) {
        return UUID.nameUUIDFromBytes(("notify-task:" + kind + ":" + requestId).getBytes(StandardCharsets.UTF_8));
    }

    private <T extends StrataEvent> void append(Connection tx, UUID eventId, UUID taskRunId, T event) {
        EventEnvelope<T> envelope = new EventEnvelope<>(EventEnvelope.SPEC_VERSION, eventId, SOURCE,
                event.eventType(), taskRunId.toString(), Instant.now(), EventEnvelope.DATA_CONTENT_TYPE, event);
        outbox.append(tx, OutboxMessage.of(envelope, codec));
    }
}
