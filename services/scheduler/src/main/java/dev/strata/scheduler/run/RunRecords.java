package dev.strata.scheduler.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.web.db.Db;

/** Rows of {@code run} and {@code task_run}. */
public final class RunRecords {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private RunRecords() {
    }

    public record RunRow(UUID id, String namespace, String pipelineId, int version, String trigger,
            Map<String, String> params, Instant logicalDate, UUID backfillId, String state, String error,
            String failedTask, Instant createdAt, Instant startedAt, Instant finishedAt, Instant deadlineAt,
            String traceId, UUID retryOf) {
    }

    public record TaskRunRow(UUID id, UUID runId, String taskId, String type, String state, int attempt,
            int maxAttempts, List<String> dependsOn, int upstreamRemaining, String worker, String error,
            Map<String, String> outputs, Long rows, Long bytes, Instant queuedAt, Instant startedAt,
            Instant heartbeatAt, Instant finishedAt, Instant timeoutAt, Instant dueAt) {
    }

    static final String RUN_COLUMNS = "id, namespace, pipeline_id, version, trigger, params::text AS params, "
            + "logical_date, backfill_id, state, error, failed_task, created_at, started_at, finished_at, deadline_at, "
            + "trace_id, retry_of";

    static final String TASK_COLUMNS = "id, run_id, task_id, type, state, attempt, max_attempts, depends_on, "
            + "upstream_remaining, worker, error, outputs::text AS outputs, rows_written, bytes_written, queued_at, "
            + "started_at, heartbeat_at, finished_at, timeout_at, due_at";

    static RunRow run(ResultSet rs) throws SQLException {
        return new RunRow(rs.getObject("id", UUID.class), rs.getString("namespace"), rs.getString("pipeline_id"),
                rs.getInt("version"), rs.getString("trigger"), map(rs.getString("params")),
                Db.instant(rs, "logical_date"), rs.getObject("backfill_id", UUID.class), rs.getString("state"),
                rs.getString("error"), rs.getString("failed_task"), Db.instant(rs, "created_at"),
                Db.instant(rs, "started_at"), Db.instant(rs, "finished_at"), Db.instant(rs, "deadline_at"),
                rs.getString("trace_id"), rs.getObject("retry_of", UUID.class));
    }

    static TaskRunRow task(ResultSet rs) throws SQLException {
        String[] deps = (String[]) rs.getArray("depends_on").getArray();
        long rows = rs.getLong("rows_written");
        Long rowsValue = rs.wasNull() ? null : rows;
        long bytes = rs.getLong("bytes_written");
        Long bytesValue = rs.wasNull() ? null : bytes;
        String outputs = rs.getString("outputs");
        return new TaskRunRow(rs.getObject("id", UUID.class), rs.getObject("run_id", UUID.class),
                rs.getString("task_id"), rs.getString("type"), rs.getString("state"), rs.getInt("attempt"),
                rs.getInt("max_attempts"), Arrays.asList(deps), rs.getInt("upstream_remaining"),
                rs.getString("worker"), rs.getString("error"), outputs == null ? null : map(outputs), rowsValue,
                bytesValue, Db.instant(rs, "queued_at"), Db.instant(rs, "started_at"),
                Db.instant(rs, "heartbeat_at"), Db.instant(rs, "finished_at"), Db.instant(rs, "timeout_at"),
                Db.instant(rs, "due_at"));
    }

    static Map<String, String> map(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, STRING_MAP);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable json column", e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
