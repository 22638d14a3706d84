package dev.strata.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Log lines of a task attempt, written by the worker that runs it (ingest: source opened, progress, rows loaded and
 * quarantined, errors; transform: each model's compiled SQL, timings, test results; the scheduler's own sql and http
 * tasks). Sent in batches by libs/outbox {@code TaskLog}, straight to Kafka; the scheduler keeps them per task run and
 * attempt, once per {@code seq}. Subject: the task run id.
 *
 * @param taskRunId the task run
 * @param attempt   the attempt that wrote the lines, from 1
 * @param worker    the worker that runs it
 * @param lines     the lines, in order of {@code seq}
 */
public record TaskLogged(UUID taskRunId, int attempt, String worker, List<Line> lines) implements StrataEvent {

    public static final String TYPE = "dev.strata.task.logged.v1";

    public TaskLogged {
        Objects.requireNonNull(taskRunId, "taskRunId is required");
        Objects.requireNonNull(worker, "worker is required");
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    /**
     * One log line.
     *
     * @param seq   its number within the attempt, from 1, without gaps (a redelivered line has the same number)
     * @param ts    when the worker wrote it
     * @param level {@code info}, {@code warn} or {@code error}
     * @param text  the line, without secrets, at most a few kilobytes
     */
    public record Line(long seq, Instant ts, String level, String text) {

        public Line {
            Objects.requireNonNull(ts, "ts is required");
            Objects.requireNonNull(level, "level is required");
            Objects.requireNonNull(text, "text is required");
        }
    }
}
