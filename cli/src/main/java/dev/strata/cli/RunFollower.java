package dev.strata.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Follows a run to its end: on a terminal, a view of its tasks (state, attempt, duration) redrawn in place; when piped,
 * one plain line per change. With {@code logs}, the tasks' new log lines too (scheduler task-log API; left out with
 * one notice when the platform does not serve it). Returns the run's {@link ExitCodes#ofRun exit code}.
 */
final class RunFollower {

    static final Set<String> ENDED = Set.of("succeeded", "failed", "timed_out", "cancelled");
    private static final Duration POLL = Duration.ofMillis(500);

    private final Api api;
    private final PrintWriter out;
    private final boolean live;
    private final boolean logs;
    private final Duration timeout;
    private final Map<String, String> lastStates = new HashMap<>();
    private final Map<String, Long> logSeq = new HashMap<>();
    private boolean logsServed = true;
    private int drawnLines;

    RunFollower(Api api, PrintWriter out, boolean live, boolean logs, Duration timeout) {
        this.api = api;
        this.out = out;
        this.live = live;
        this.logs = logs;
        this.timeout = timeout;
    }

    /** Whether standard output is a terminal (a live view) rather than a pipe or file (plain lines). */
    static boolean isTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb");
    }

    int follow(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode run = api.get("/api/scheduler/v1/runs/" + Api.enc(runId));
            String state = run.path("state").asText();
            List<String> logLines = logs ? newLogLines(run) : List.of();
            if (live) {
                redraw(run, logLines);
            } else {
                logLines.forEach(out::println);
                printChanges(run);
            }
            if (ENDED.contains(state)) {
                out.println(summary(run));
                out.flush();
                return ExitCodes.ofRun(state);
            }
            out.flush();
            if (System.nanoTime() - deadline > 0) {
                out.println("Stopped waiting after " + timeout.toSeconds() + " s; run " + runId + " is still "
                        + state + " (strata runs follow " + runId + " goes on watching).");
                out.flush();
                return ExitCodes.STILL_RUNNING;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static String summary(JsonNode run) {
        String state = run.path("state").asText();
        String text = "Run " + run.path("id").asText() + " " + state + duration(run.path("durationMs"));
        if (!state.equals("succeeded")) {
            String failed = run.path("failedTask").asText("");
            String error = run.path("error").asText("");
            if (!failed.isEmpty()) {
                text += "; task " + failed + " failed";
            }
            if (!error.isEmpty()) {
                text += ": " + error;
            }
        }
        return text + ".";
    }

    private void printChanges(JsonNode run) {
        String key = "run";
        String runState = run.path("state").asText();
        if (!runState.equals(lastStates.put(key, runState))) {
            out.println("run " + run.path("id").asText() + " " + runState);
        }
        for (JsonNode task : run.path("tasks")) {
            String id = task.path("taskId").asText();
            String state = task.path("state").asText() + "#" + task.path("attempt").asInt();
            if (!state.equals(lastStates.put("task:" + id, state))) {
                out.println(taskLine(task).strip());
            }
        }
    }

    private void redraw(JsonNode run, List<String> logLines) {
        StringBuilder frame = new StringBuilder();
        if (drawnLines > 0) {
            frame.append("\033[").append(drawnLines).append("A\033[J");
        }
        logLines.forEach(line -> frame.append(line).append('\n'));
        List<String> view = new ArrayList<>();
        view.add("run " + run.path("id").asText() + "  " + run.path("namespace").asText() + "."
                + run.path("pipelineId").asText() + "  " + run.path("state").asText().toUpperCase(Locale.ROOT)
                + duration(run.path("durationMs")));
        for (JsonNode task : run.path("tasks")) {
            view.add(taskLine(task));
        }
        view.forEach(line -> frame.append(line).append('\n'));
        drawnLines = view.size();
        out.print(frame);
    }

    static String taskLine(JsonNode task) {
        String state = task.path("state").asText();
        String mark = switch (state) {
            case "succeeded" -> "✓";
            case "failed", "timed_out" -> "✗";
            case "running" -> "▶";
            case "cancelled", "skipped" -> "-";
            default -> "·";
        };
        String attempt = "attempt " + task.path("attempt").asInt() + "/" + task.path("maxAttempts").asInt();
        String error = task.path("error").asText("");
        return String.format(Locale.ROOT, "  %s %-20s %-10s %-12s%s%s", mark, task.path("taskId").asText(), state,
                attempt, duration(task.path("durationMs")), error.isEmpty() ? "" : "  " + oneLine(error));
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 160 ? line.substring(0, 159) + "…" : line;
    }

    static String duration(JsonNode millis) {
        if (millis == null || !millis.isNumber()) {
            return "";
        }
        return String.format(Locale.ROOT, "  %.1fs", millis.asLong() / 1000.0);
    }

    /** New log lines of the tasks that started, prefixed with the task id. */
    private List<String> newLogLines(JsonNode run) {
        List<String> lines = new ArrayList<>();
        if (!logsServed) {
            return lines;
        }
        for (JsonNode task : run.path("tasks")) {
            if (task.path("startedAt").isMissingNode() || task.path("startedAt").isNull()) {
                continue;
            }
            String taskId = task.path("taskId").asText();
            long after = logSeq.getOrDefault(taskId, 0L);
            JsonNode page;
            try {
                page = api.get(LogsCommand.logsPath(run, taskId) + "?after=" + after + "&limit=1000");
            } catch (StrataException e) {
                if (e.exitCode() == ExitCodes.NOT_FOUND) {
                    logsServed = false;
                    lines.add("(task logs are not served by this platform; showing task states only)");
                    return lines;
                }
                throw e;
            }
            for (JsonNode line : LogsCommand.lines(page)) {
                logSeq.put(taskId, Math.max(after, line.path("seq").asLong()));
                lines.add(LogsCommand.format(taskId, line));
            }
        }
        return lines;
    }
}
