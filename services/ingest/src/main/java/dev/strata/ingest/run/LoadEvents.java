package dev.strata.ingest.run;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.events.AuditRecorded;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.LoadModes;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.ingest.config.IngestConfig;
import dev.strata.ingest.load.LoadResult;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.quarkus.Outbox;
import dev.strata.warehouse.Namespaces;

/**
 * The events of a load, written to the outbox in the caller's transaction. Ids are derived from the load id, so a load
 * finished twice (its worker died after the warehouse commit) emits each event once. Every finished or refused load is
 * also an {@link AuditRecorded} (who asked, the table, rows and the source's kind and place; never a credential or an
 * HTTP URL, whose query may carry a token).
 */
@ApplicationScoped
public class LoadEvents {

    static final String SOURCE = "/strata/ingest";

    private final EventCodec codec = new EventCodec();

    @Inject
    Outbox outbox;
    @Inject
    ObjectMapper json;
    @Inject
    IngestConfig config;

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
        Map<String, String> details = details(load);
        details.put("rows", Long.toString(result.rows()));
        details.put("bytes", Long.toString(result.bytes()));
        details.put("quarantined", Long.toString(result.quarantined()));
        details.put("discarded", Long.toString(result.discarded()));
        details.put("tableRows", Long.toString(result.tableRows()));
        details.put("rawLocation", result.rawLocation());
        details.put("durationMs", Long.toString(durationMs));
        audit(tx, id("audit-completed", load, 0), new AuditRecorded(actor(load),
                "load.completed", result.table(), load.namespace(), details));
    }

    /**
     * A later attempt of a task whose load had succeeded already: its success again, for that attempt (the data is
     * loaded once; the version and audit entry of the load stand).
     */
    public void succeededAgain(Connection tx, UUID loadId, UUID runId, int attempt,
            LoadRunRepository.Adopted load) throws SQLException {
        UUID versionId = UUID.nameUUIDFromBytes(("version:" + loadId).getBytes(StandardCharsets.UTF_8));
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("versionId", versionId.toString());
        outputs.put("table", String.valueOf(load.table()));
        outputs.put("rawLocation", String.valueOf(load.rawLocation()));
        outputs.put("quarantined", Long.toString(load.quarantined()));
        append(tx, UUID.nameUUIDFromBytes(("succeeded:" + loadId + ":" + attempt).getBytes(StandardCharsets.UTF_8)),
                loadId.toString(), new TaskSucceeded(loadId, runId, load.rows(), load.bytes(), load.durationMs(),
                        outputs, attempt));
    }

    public void failed(Connection tx, Claimed load, String error, boolean retryable, long durationMs)
            throws SQLException {
        if (load.taskRunId() != null) {
            append(tx, id("failed", load, load.attempt()), load.taskRunId().toString(),
                    new TaskFailed(load.taskRunId(), load.runId(), error, retryable, durationMs, load.attempt()));
        }
        Map<String, String> details = details(load);
        details.put("error", error);
        details.put("retryable", Boolean.toString(retryable));
        details.put("durationMs", Long.toString(durationMs));
        audit(tx, id("audit-failed:" + load.attempt(), load, load.tries()), new AuditRecorded(
                actor(load), "load.failed", table(load.namespace(), load.dataset()), load.namespace(), details));
    }

    /**
     * A request of the scheduler refused before it was queued (e.g. its spec names another namespace than the
     * pipeline's), audited in the namespace that asked.
     */
    public void refusedRequest(Connection tx, UUID taskRunId, UUID runId, int attempt, String namespace,
            String dataset, String requestNamespace, String error) throws SQLException {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("taskRunId", taskRunId.toString());
        details.put("runId", runId.toString());
        details.put("attempt", Integer.toString(attempt));
        details.put("dataset", Namespaces.printable(namespace) + "." + Namespaces.printable(dataset));
        details.put("error", error);
        audit(tx, UUID.nameUUIDFromBytes(("audit-refused:" + taskRunId + ":" + attempt).getBytes(
                StandardCharsets.UTF_8)), new AuditRecorded("scheduler", "load.refused",
                        Namespaces.printable(namespace) + "." + Namespaces.printable(dataset), requestNamespace,
                        details));
    }

    public void failedRequest(Connection tx, UUID taskRunId, UUID runId, int attempt, String error)
            throws SQLException {
        append(tx, UUID.nameUUIDFromBytes(("failed:" + taskRunId + ":" + attempt).getBytes(StandardCharsets.UTF_8)),
                taskRunId.toString(), new TaskFailed(taskRunId, runId, error, false, 0, attempt));
    }

    private void audit(Connection tx, UUID eventId, AuditRecorded event) throws SQLException {
        append(tx, eventId, event.namespace(), event);
    }

    private static String actor(Claimed load) {
        return load.requestedBy() == null ? "unknown" : load.requestedBy();
    }

    private String table(String namespace, String dataset) {
        try {
            return Namespaces.schema(namespace, config.targetSchema()) + "." + dataset;
        } catch (IllegalArgumentException e) {
            return Namespaces.printable(namespace) + "." + Namespaces.printable(dataset);
        }
    }

    /** What the audit entry says about the load and its source: kind and place, never credentials or URLs. */
    private Map<String, String> details(Claimed load) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("loadId", load.id().toString());
        if (load.taskRunId() != null) {
            details.put("taskRunId", load.taskRunId().toString());
            details.put("runId", String.valueOf(load.runId()));
            details.put("attempt", Integer.toString(load.attempt()));
        }
        try {
            JsonNode spec = json.readTree(load.spec());
            JsonNode source = spec.path("source");
            details.put("sourceKind", source.path("kind").asText(""));
            details.put("loadMode", spec.path("loadMode").asText(LoadModes.DEFAULT));
            switch (source.path("kind").asText("")) {
                case "s3", "upload" -> details.put("source", "s3://" + source.path("bucket").asText() + "/"
                        + source.path(source.hasNonNull("key") ? "key" : "prefix").asText());
                case "jdbc" -> details.put("source", "table " + source.path("table").asText());
                default -> {
                    // an HTTP URL's query may carry a token: only the kind is recorded
                }
            }
        } catch (Exception e) {
            details.put("sourceKind", "unknown");
        }
        return details;
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
