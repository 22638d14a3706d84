package dev.strata.ingest.run;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.ingest.load.LoadResult;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.quarkus.Outbox;

/**
 * The events of a load, written to the outbox in the caller's transaction. Ids are derived from the load id, so a load
 * finished twice (its worker died after the warehouse commit) emits each event once.
 */
@ApplicationScoped
public class LoadEvents {

    static final String SOURCE = "/strata/ingest";

    private final EventCodec codec = new EventCodec();

    @Inject
    Outbox outbox;

    public void started(Connection tx, Claimed load, String worker) throws SQLException {
        if (load.taskRunId() != null) {
            // one start per try of each attempt: a load row is reused (tries from 0) for the task's next attempt
            append(tx, id("started:" + load.attempt(), load, load.tries()), load.taskRunId().toString(),
                    new TaskStarted(load.taskRunId(), load.runId(), worker, load.attempt()));
        }
    }

    public void succeeded(Connection tx, Claimed load, LoadResult result, long durationMs) throws SQLException {
        UUID versionId = UUID.nameUUIDFromBytes(("version:" + load.id()).getBytes(StandardCharsets.UTF_8));
        append(tx, id("dataset-updated", load, 0), load.namespace() + "." + load.dataset(),
                new DatasetUpdated(load.namespace(), load.dataset(), versionId, result.tableRows(), result.bytes(),
                        load.id(), result.rawLocation(), load.runId(), result.columns()));
        if (load.taskRunId() != null) {
            append(tx, id("succeeded", load, load.attempt()), load.taskRunId().toString(),
                    new TaskSucceeded(load.taskRunId(), load.runId(), result.rows(), result.bytes(), durationMs,
                            Map.of("versionId", versionId.toString(), "table", result.table(), "rawLocation",
                                    result.rawLocation(), "quarantined", Long.toString(result.quarantined())),
                            load.attempt()));
        }
    }

    public void failed(Connection tx, Claimed load, String error, boolean retryable, long durationMs)
            throws SQLException {
        if (load.taskRunId() != null) {
            append(tx, id("failed", load, load.attempt()), load.taskRunId().toString(),
                    new TaskFailed(load.taskRunId(), load.runId(), error, retryable, durationMs, load.attempt()));
        }
    }

    public void failedRequest(Connection tx, UUID taskRunId, UUID runId, int attempt, String error)
            throws SQLException {
        append(tx, UUID.nameUUIDFromBytes(("failed:" + taskRunId + ":" + attempt).getBytes(StandardCharsets.UTF_8)),
                taskRunId.toString(), new TaskFailed(taskRunId, runId, error, false, 0, attempt));
    }

    private static UUID id(String kind, Claimed load, int n) {
        return UUID.nameUUIDFromBytes((kind + ":" + load.id() + ":" + n).getBytes(StandardCharsets.UTF_8));
    }

    private <T extends StrataEvent> void append(Connection tx, UUID eventId, String subject, T event)
            throws SQLException {
        try (PreparedStatement exists = tx.prepareStatement("SELECT 1 FROM outbox WHERE event_id = ?")) {
            exists.setObject(1, eventId);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        EventEnvelope<T> envelope = new EventEnvelope<>(EventEnvelope.SPEC_VERSION, eventId, SOURCE,
                event.eventType(), subject, Instant.now(), EventEnvelope.DATA_CONTENT_TYPE, event);
        outbox.append(tx, OutboxMessage.of(envelope, codec));
    }
}
