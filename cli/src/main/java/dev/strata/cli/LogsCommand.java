package dev.strata.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = "Print the log lines of a run's tasks (or of one task); -f follows them live"
        + " until the task ends.", footer = {"", "Examples:", "  strata logs 0b6f...", "  strata logs 0b6f... load -f"})
final class LogsCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "RUN")
    String run;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TASK", description = "A task id of the pipeline.")
    String task;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the task (or run) ends.")
    boolean follow;

    static String logsPath(JsonNode run, String taskId) {
        return "/api/scheduler/v1/namespaces/" + Api.enc(run.path("namespace").asText()) + "/runs/"
                + Api.enc(run.path("id").asText()) + "/tasks/" + Api.enc(taskId) + "/logs";
    }

    /** The lines of a log answer: a JSON array, or an object with {@code lines} (or {@code items}). */
    static Iterable<JsonNode> lines(JsonNode page) {
        if (page.isArray()) {
            return page;
        }
        return page.has("lines") ? page.path("lines") : page.path("items");
    }

    static String format(String taskId, JsonNode line) {
        String text = line.path("text").asText(line.path("message").asText(line.path("line").asText("")));
        String level = line.path("level").asText("");
        return "[" + taskId + "] " + line.path("ts").asText(line.path("timestamp").asText("")) + " "
                + (level.isEmpty() ? "" : level + " ") + text;
    }

    @Override
    public Integer call() throws Exception {
        JsonNode r = api().get(RunsCommand.RUNS + Api.enc(run));
        List<String> tasks = new ArrayList<>();
        for (JsonNode t : r.path("tasks")) {
            if (task == null || task.equals(t.path("taskId").asText())) {
                tasks.add(t.path("taskId").asText());
            }
        }
        if (tasks.isEmpty()) {
            throw new StrataException(ExitCodes.NOT_FOUND, "run " + run + " has no task '" + task + "'; its tasks: "
                    + String.join(", ", r.path("tasks").findValuesAsText("taskId")), null);
        }
        if (follow && task != null && stream(r, task)) {
            return ExitCodes.OK;
        }
        if (follow) {
            // no stream: the run view's follower prints new lines of every task until the run ends
            int code = new RunFollower(api(), out(), false, true, Duration.ofHours(6)).follow(run);
            return code == ExitCodes.STILL_RUNNING ? code : ExitCodes.OK;
        }
        for (String taskId : tasks) {
            JsonNode page;
            try {
                page = api().get(logsPath(r, taskId) + "?limit=10000");
            } catch (StrataException e) {
                if (e.exitCode() == ExitCodes.NOT_FOUND) {
                    throw new StrataException(ExitCodes.NOT_FOUND, "the platform at " + api().url() + " does not"
                            + " serve task logs (" + e.getMessage() + "); strata runs show " + run
                            + " shows each task's error", e);
                }
                throw e;
            }
            for (JsonNode line : lines(page)) {
                out().println(format(taskId, line));
            }
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** Server-sent events of one task's lines; false when the platform does not serve the stream. */
    private boolean stream(JsonNode r, String taskId) throws IOException {
        HttpResponse<InputStream> response = api().stream(logsPath(r, taskId) + "/stream", "text/event-stream");
        if (response == null) {
            return false;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.isEmpty() && data.length() > 0) {
                    JsonNode event = Api.parse(data.toString().getBytes(StandardCharsets.UTF_8));
                    if (event.isObject()) {
                        out().println(format(taskId, event));
                    } else {
                        out().println("[" + taskId + "] " + data);
                    }
                    out().flush();
                    data.setLength(0);
                }
            }
        }
        return true;
    }
}
