package dev.strata.cli;

import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "runs", description = "Pipeline runs: list, show, follow live, cancel, retry.", subcommands = {
        RunsCommand.Ls.class, RunsCommand.Show.class, RunsCommand.Follow.class,
        RunsCommand.Cancel.class, RunsCommand.Retry.class}, footer = {"", "Examples:",
                "  strata runs ls --pipeline sales.orders_daily --state failed",
                "  strata runs follow 0b6f...   # exit code = the run's outcome"})
final class RunsCommand extends GroupCommand {

    static final String RUNS = "/api/scheduler/v1/runs/";

    static int follow(ApiCommand command, String runId, boolean logs, Duration timeout) throws InterruptedException {
        if (command.output != ApiCommand.Format.table) {
            // structured output: no view, the ended run as JSON or YAML
            RunFollower quiet = new RunFollower(command.api(), new java.io.PrintWriter(java.io.Writer.nullWriter()),
                    false, false, timeout);
            int code = quiet.follow(runId);
            command.printStructured(command.api().get(RUNS + Api.enc(runId)));
            return code;
        }
        return new RunFollower(command.api(), command.out(), RunFollower.isTerminal(), logs, timeout).follow(runId);
    }

    /** What trigger and retry print for the run they started, then (with --wait) its follow's exit code. */
    static int started(ApiCommand command, JsonNode run, String what, boolean wait, boolean logs, Duration timeout)
            throws InterruptedException {
        String id = run.path("id").asText();
        if (!wait) {
            if (command.output != ApiCommand.Format.table) {
                command.printStructured(run);
            } else {
                command.out().println("Started run " + id + " of " + what + " (strata runs follow " + id + ").");
            }
            return ExitCodes.OK;
        }
        command.err().println("Started run " + id + " of " + what + ".");
        command.err().flush();
        return follow(command, id, logs, timeout);
    }

    static Table table() {
        return new Table().field("RUN", "id")
                .column("PIPELINE", r -> r.path("namespace").asText() + "." + r.path("pipelineId").asText())
                .field("STATE", "state").field("TRIGGER", "trigger").field("CREATED", "createdAt")
                .column("DURATION", r -> RunFollower.duration(r.path("durationMs")).strip());
    }

    @Command(name = "ls", description = "List runs of your namespaces, newest first.", footer = {"", "Example:",
            "  strata runs ls -n sales --state failed --limit 20 -o json"})
    static final class Ls extends ApiCommand {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS")
        String namespace;

        @Option(names = "--pipeline", paramLabel = "NS.ID|ID", description = "Only runs of this pipeline.")
        String pipeline;

        @Option(names = "--state", paramLabel = "STATE", description = "queued, running, succeeded, failed,"
                + " timed_out or cancelled.")
        String state;

        @Option(names = "--limit", paramLabel = "N", description = "At most N runs (default 50, at most 500).")
        int limit = 50;

        @Override
        public Integer call() {
            StringJoiner query = new StringJoiner("&", "?", "");
            String ns = namespace;
            String id = pipeline;
            if (pipeline != null && (pipeline.contains(".") || pipeline.contains("/"))) {
                PipelineRef ref = new PipelineRef.Converter().convert(pipeline);
                ns = ref.namespace();
                id = ref.id();
            }
            if (ns != null) {
                query.add("namespace=" + Api.enc(ns));
            }
            if (id != null) {
                query.add("pipeline=" + Api.enc(id));
            }
            if (state != null) {
                query.add("state=" + Api.enc(state));
            }
            query.add("limit=" + Math.max(1, Math.min(limit, 500)));
            print(api().get("/api/scheduler/v1/runs" + query), table());
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Show a run and its tasks (state, attempt, duration, error).", footer = {"",
            "Example:", "  strata runs show 0b6f... -o yaml"})
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "RUN")
        String run;

        @Override
        public Integer call() {
            JsonNode r = api().get(RUNS + Api.enc(run));
            if (output != Format.table) {
                printStructured(r);
                return ExitCodes.OK;
            }
            printFields(r, "id", "namespace", "pipelineId", "pipelineVersion", "trigger", "state", "error",
                    "createdAt", "startedAt", "finishedAt", "durationMs");
            out().println("tasks:");
            for (JsonNode task : r.path("tasks")) {
                out().println(RunFollower.taskLine(task));
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "follow", description = "Follow a run live until it ends; the exit code is its outcome"
            + " (0 succeeded, 1 failed, 8 timed out, 9 cancelled, 124 still running after --timeout).", footer = {"",
                    "Example:", "  strata runs follow 0b6f... --logs"})
    static final class Follow extends ApiCommand {
        @Parameters(paramLabel = "RUN")
        String run;

        @Option(names = "--logs", description = "Show the tasks' log lines too.")
        boolean logs;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop waiting after this long (exit"
                + " code 124; default: 6h).")
        Duration timeout = Duration.ofHours(6);

        @Override
        public Integer call() throws InterruptedException {
            return follow(this, run, logs, timeout);
        }
    }

    @Command(name = "cancel", description = "Cancel a run that has not ended (engineer).", footer = {"", "Example:",
            "  strata runs cancel 0b6f..."})
    static final class Cancel extends ApiCommand {
        @Parameters(paramLabel = "RUN")
        String run;

        @Override
        public Integer call() {
            JsonNode r = api().send("POST", RUNS + Api.enc(run) + "/cancel", null, null);
            if (output != Format.table) {
                printStructured(r);
            } else {
                out().println("Run " + run + " is " + r.path("state").asText() + ".");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "retry", description = "Retry a run (engineer): a new run of the same pipeline with the same"
            + " parameters and logical date; with --wait, follow it.", footer = {"", "Example:",
                    "  strata runs retry 0b6f... --wait"})
    static final class Retry extends ApiCommand {
        @Parameters(paramLabel = "RUN")
        String run;

        @Option(names = "--wait", description = "Follow the new run; the exit code is its outcome.")
        boolean wait;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "With --wait (default: 6h).")
        Duration timeout = Duration.ofHours(6);

        @Override
        public Integer call() throws InterruptedException {
            try {
                // the scheduler's retry: same params and logical date, the new run names the old one (retryOf)
                JsonNode started = api().send("POST", RUNS + Api.enc(run) + "/retry", null, null);
                return started(this, started, started.path("namespace").asText() + "."
                        + started.path("pipelineId").asText() + " (retrying " + run + ")", wait, false, timeout);
            } catch (StrataException e) {
                if (e.exitCode() != ExitCodes.NOT_FOUND) {
                    throw e;
                }
                // a platform without the retry endpoint: a new run with the same params (404 when the run is unknown)
            }
            JsonNode old = api().get(RUNS + Api.enc(run));
            PipelineRef pipeline = new PipelineRef(old.path("namespace").asText(), old.path("pipelineId").asText());
            Map<?, ?> params = Api.json().convertValue(old.path("params").isObject()
                    ? old.path("params")
                    : Api.json().createObjectNode(), Map.class);
            JsonNode started = api().postJson(pipeline.path() + "/runs", Map.of("params", params));
            return started(this, started, pipeline + " (retrying " + run + ")", wait, false, timeout);
        }
    }
}
