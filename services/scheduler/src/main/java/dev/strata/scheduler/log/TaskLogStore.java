package dev.strata.scheduler.log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.events.TaskLogged;
import dev.strata.web.db.Db;

/** The {@code task_log} table: lines kept once per (task run, attempt, seq), read in order, purged by age. */
@ApplicationScoped
public class TaskLogStore {

    /** The longest line kept; workers cut theirs sooner (libs/outbox TaskLogs). */
    static final int MAX_TEXT = 8_192;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Db db;

    TaskLogStore(Db db) {
        this.db = db;
    }

    /** One line as the API shows it. */
    public record Line(int attempt, long seq, java.time.Instant ts, String level, String text) {
    }

    /**
     * Keeps the lines of these events in one statement; lines already kept and lines of task runs this scheduler does
     * not know are skipped.
     */
    public void keep(List<TaskLogged> events) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TaskLogged event : events) {
            for (TaskLogged.Line line : event.lines()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("task_run_id", event.taskRunId().toString());
                row.put("attempt", event.attempt());
                row.put("seq", line.seq());
                row.put("ts", line.ts().toString());
                row.put("level", line.level());
                row.put("text", line.text().replace("\u0000", "")); // Postgres text holds no NUL
                row.put("worker", event.worker().replace("\u0000", ""));
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        String json;
        try {
            json = JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        db.update("INSERT INTO task_log (task_run_id, attempt, seq, ts, level, text, worker) "
                + "SELECT u.task_run_id, u.attempt, u.seq, u.ts, "
                + "CASE WHEN u.level IN ('info', 'warn', 'error') THEN u.level ELSE 'info' END, "
                + "left(u.text, " + MAX_TEXT + "), left(u.worker, 200) "
                + "FROM jsonb_to_recordset(?) AS u(task_run_id uuid, attempt integer, seq bigint, ts timestamptz, "
                + "level text, text text, worker text) "
                + "WHERE EXISTS (SELECT 1 FROM task_run t WHERE t.id = u.task_run_id) "
                + "ORDER BY u.task_run_id, u.attempt, u.seq ON CONFLICT DO NOTHING", Db.jsonb(json));
    }

    /** Lines of an attempt after {@code afterSeq}, in order, at most {@code limit}. */
    public List<Line> read(UUID taskRunId, int attempt, long afterSeq, int limit) {
        return db.list("SELECT attempt, seq, ts, level, text FROM task_log WHERE task_run_id = ? AND attempt = ? "
                + "AND seq > ? ORDER BY seq LIMIT ?", TaskLogStore::line, taskRunId, attempt, afterSeq, limit);
    }

    /** Lines of every attempt after ({@code attempt}, {@code seq}), in order of attempt then seq. */
    public List<Line> readAfter(UUID taskRunId, int attempt, long afterSeq, int limit) {
        return db.list("SELECT attempt, seq, ts, level, text FROM task_log WHERE task_run_id = ? "
                + "AND (attempt, seq) > (?, ?) ORDER BY attempt, seq LIMIT ?", TaskLogStore::line, taskRunId, attempt,
                afterSeq, limit);
    }

    /** Deletes lines received before the retention; answers how many. */
    public int purge(java.time.Duration retention) {
        return db.update("DELETE FROM task_log WHERE received_at < now() - make_interval(secs => ?)",
                (double) retention.toSeconds());
    }

    private static Line line(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Line(rs.getInt(1), rs.getLong(2), Db.instant(rs, "ts"), rs.getString(4), rs.getString(5));
    }
}
