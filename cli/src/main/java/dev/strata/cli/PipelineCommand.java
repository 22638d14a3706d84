package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pipeline", description = "Pipelines (YAML): validate, apply, list, show, trigger, pause, resume,"
        + " backfill.", subcommands = {PipelineCommand.Validate.class, PipelineCommand.Apply.class,
                PipelineCommand.Ls.class, PipelineCommand.Show.class, PipelineCommand.Trigger.class,
                PipelineCommand.Pause.class, PipelineCommand.Resume.class, PipelineCommand.Backfill.class}, footer = {
                        "", "Examples:", "  strata pipeline apply pipelines/orders_daily.yaml",
                        "  strata pipeline trigger sales.orders_daily --wait",
                        "  strata pipeline pause sales.orders_daily"})
final class PipelineCommand extends GroupCommand {

    /** Pipelines are small; a bigger file is a mistake (the gateway would refuse it anyway). */
    static final long MAX_YAML_BYTES = 1024 * 1024;

    static byte[] readYaml(Path file) {
        try {
            if (Files.size(file) > MAX_YAML_BYTES) {
                throw new StrataException(ExitCodes.USAGE, file + " is larger than 1 MB; a pipeline file is"
                        + " a few kB", null);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StrataException(ExitCodes.USAGE, "cannot read " + file + " (" + StrataException.reason(e)
                    + ")", e);
        }
    }

    /**
     * The file with its top-level {@code namespace:} line set to {@code namespace} (kubectl's {@code -n}): the same
     * pipeline saved in another namespace, its lines where they were, so the platform's line numbers still fit the file.
     */
    static byte[] inNamespace(Path file, byte[] yaml, String namespace) {
        String text = new String(yaml, java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^namespace:[^\\n]*$").matcher(text);
        if (!line.find()) {
            throw new StrataException(ExitCodes.USAGE, file + " has no top-level namespace: line for -n to set",
                    null);
        }
        return line.replaceFirst(java.util.regex.Matcher.quoteReplacement("namespace: " + namespace))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A refusal of the file names it: "orders.yaml: refused by the platform: ...". */
    static StrataException about(Path file, StrataException e) {
        return new StrataException(e.exitCode(), file + ": " + e.getMessage(), e);
    }

    @Command(name = "validate", description = "Check a pipeline file at the platform without saving it.", footer = {"",
            "Example:", "  strata pipeline validate pipelines/orders_daily.yaml"})
    static final class Validate extends ApiCommand {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            JsonNode answer;
            try {
                answer = api().send("POST", "/api/scheduler/v1/pipelines/validate", "application/yaml",
                        readYaml(file));
            } catch (StrataException e) {
                throw about(file, e);
            }
            if (output != Format.table) {
                printStructured(answer);
            } else {
                out().println(file + ": valid, pipeline " + answer.path("namespace").asText() + "."
                        + answer.path("id").asText() + " with " + answer.path("tasks").asInt() + " tasks.");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "apply", description = "Create a pipeline, or save a new version when the file changed.", footer = {
            "", "Examples:", "  strata pipeline apply pipelines/orders_daily.yaml",
            "  strata pipeline apply docs/examples/sales/pipeline.yaml -n sales-eu"})
    static final class Apply extends ApiCommand {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Save it in this namespace instead of"
                + " the one the file names.")
        String namespace;

        @Override
        public Integer call() {
            JsonNode saved;
            try {
                byte[] yaml = readYaml(file);
                saved = api().send("POST", "/api/scheduler/v1/pipelines", "application/yaml",
                        namespace == null ? yaml : inNamespace(file, yaml, namespace));
            } catch (StrataException e) {
                throw about(file, e);
            }
            if (output != Format.table) {
                printStructured(saved);
            } else {
                String name = saved.path("namespace").asText() + "." + saved.path("id").asText();
                out().println((saved.path("created").asBoolean() ? "Saved " : "Unchanged: ") + name + " version "
                        + saved.path("version").asInt() + (saved.path("nextFireAt").isTextual()
                                ? "; next fire " + saved.path("nextFireAt").asText()
                                : "")
                        + ".");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", description = "List the pipelines of your namespaces.", footer = {"", "Example:",
            "  strata pipeline ls --namespace sales"})
    static final class Ls extends ApiCommand {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only this namespace.")
        String namespace;

        @Override
        public Integer call() {
            String query = namespace == null ? "" : "?namespace=" + Api.enc(namespace);
            print(api().get("/api/scheduler/v1/pipelines" + query), new Table()
                    .column("PIPELINE", p -> p.path("namespace").asText() + "." + p.path("id").asText())
                    .field("VERSION", "version").field("SCHEDULE", "schedule")
                    .column("NEXT FIRE",
                            p -> p.path("paused").asBoolean() ? "paused" : Table.text(p.path("nextFireAt")))
                    .field("DESCRIPTION", "description"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Show a pipeline: version, schedule, tasks and its YAML.", footer = {"",
            "Example:", "  strata pipeline show sales.orders_daily -o yaml"})
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "NS.ID", converter = PipelineRef.Converter.class)
        PipelineRef pipeline;

        @Override
        public Integer call() {
            JsonNode p = api().get(pipeline.path());
            if (output != Format.table) {
                printStructured(p);
                return ExitCodes.OK;
            }
            printFields(p, "namespace", "id", "version", "description", "schedule", "nextFireAt", "paused",
                    "pausedAt", "pausedBy");
            if (p.path("yaml").isTextual()) {
                out().println();
                out().print(p.path("yaml").asText());
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "trigger", description = "Start a run now; with --wait, follow it and exit with its outcome"
            + " (0 succeeded, 1 failed, 8 timed out, 9 cancelled, 124 still running after --timeout).", footer = {"",
                    "Examples:", "  strata pipeline trigger sales.orders_daily -p region=eu",
                    "  strata pipeline trigger sales.orders_daily --wait --logs   # CI: gate on the exit code"})
    static final class Trigger extends ApiCommand {
        @Parameters(paramLabel = "NS.ID", converter = PipelineRef.Converter.class)
        PipelineRef pipeline;

        @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "A run parameter (repeatable).")
        Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--wait", description = "Follow the run until it ends; the exit code is its outcome.")
        boolean wait;

        @Option(names = "--logs", description = "With --wait: show the tasks' log lines too.")
        boolean logs;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "With --wait: stop waiting after this"
                + " long (exit code 124), e.g. 30m (default: 6h).")
        Duration timeout = Duration.ofHours(6);

        @Override
        public Integer call() throws InterruptedException {
            JsonNode run = api().postJson(pipeline.path() + "/runs", Map.of("params", params));
            return RunsCommand.started(this, run, pipeline.toString(), wait, logs, timeout);
        }
    }

    @Command(name = "pause", description = "Pause a pipeline (engineer): its schedule, data triggers and webhook start"
            + " no run until it is resumed; runs already started go on, and trigger still starts one by hand.", footer = {
                    "", "Example:", "  strata pipeline pause sales.orders_daily"})
    static final class Pause extends ApiCommand {
        @Parameters(paramLabel = "NS.ID", converter = PipelineRef.Converter.class)
        PipelineRef pipeline;

        @Override
        public Integer call() {
            JsonNode p = api().send("POST", pipeline.path() + "/pause", null, null);
            if (output != Format.table) {
                printStructured(p);
            } else {
                out().println("Paused " + pipeline + " (since " + p.path("pausedAt").asText() + "); strata pipeline"
                        + " resume " + pipeline + " starts its schedule again.");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "resume", description = "Resume a paused pipeline (engineer): its schedule fires again from now"
            + " on; fires missed while paused are not run (pipeline backfill runs them).", footer = {"", "Example:",
                    "  strata pipeline resume sales.orders_daily"})
    static final class Resume extends ApiCommand {
        @Parameters(paramLabel = "NS.ID", converter = PipelineRef.Converter.class)
        PipelineRef pipeline;

        @Override
        public Integer call() {
            JsonNode p = api().send("POST", pipeline.path() + "/resume", null, null);
            if (output != Format.table) {
                printStructured(p);
            } else {
                String next = p.path("nextFireAt").asText("");
                out().println("Resumed " + pipeline + (next.isEmpty() ? "" : "; next fire " + next) + ".");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "backfill", description = "Run a pipeline once per scheduled time between --start and --end"
            + " (engineer); with --wait, follow the backfill until it ends (exit 0 when every run succeeded).", footer = {
                    "", "Examples:",
                    "  strata pipeline backfill sales.orders_daily --start 2026-11-01T00:00:00Z"
                            + " --end 2026-11-30T23:59:59Z --concurrency 4 --only-missing --wait",
                    "  strata pipeline backfill --cancel 5d1c..."})
    static final class Backfill extends ApiCommand {
        static final String BACKFILLS = "/api/scheduler/v1/backfills/";

        @Parameters(paramLabel = "NS.ID", converter = PipelineRef.Converter.class, arity = "0..1")
        PipelineRef pipeline;

        @Option(names = "--start", paramLabel = "INSTANT", description = "ISO-8601, e.g. 2026-11-01T00:00:00Z.", converter = InstantConverter.class)
        java.time.Instant start;

        @Option(names = "--end", paramLabel = "INSTANT", converter = InstantConverter.class)
        java.time.Instant end;

        @Option(names = "--concurrency", paramLabel = "N", description = "Runs at once, 1 to 100 (default: 1).")
        Integer concurrency;

        @Option(names = "--only-missing", description = "Skip the times that already have a succeeded run.")
        boolean onlyMissing;

        @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "A run parameter (repeatable).")
        Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--wait", description = "Follow the backfill until it ends.")
        boolean wait;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "With --wait (default: 24h).")
        Duration timeout = Duration.ofHours(24);

        @Option(names = "--status", paramLabel = "BACKFILL", description = "Show a backfill instead of starting one.")
        String status;

        @Option(names = "--cancel", paramLabel = "BACKFILL", description = "Cancel a backfill: no more runs start.")
        String cancel;

        @Override
        public Integer call() throws InterruptedException {
            JsonNode b;
            if (cancel != null) {
                b = api().send("POST", BACKFILLS + Api.enc(cancel) + "/cancel", null, null);
            } else if (status != null) {
                b = api().get(BACKFILLS + Api.enc(status));
            } else {
                if (pipeline == null || start == null || end == null) {
                    throw new StrataException(ExitCodes.USAGE, "a backfill needs NS.ID, --start and --end, e.g."
                            + " strata pipeline backfill sales.orders_daily --start 2026-11-01T00:00:00Z --end"
                            + " 2026-11-30T23:59:59Z", null);
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("start", start.toString());
                body.put("end", end.toString());
                if (concurrency != null) {
                    body.put("concurrency", concurrency);
                }
                body.put("onlyMissing", onlyMissing);
                body.put("params", params);
                b = api().postJson(pipeline.path() + "/backfills", body);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "";
            while (wait && cancel == null && "running".equals(b.path("state").asText())) {
                String line = "backfill " + b.path("id").asText() + " running: " + counts(b);
                if (!line.equals(last) && output == Format.table) {
                    out().println(line);
                    out().flush();
                    last = line;
                }
                if (System.nanoTime() - deadline > 0) {
                    err().println("Stopped waiting after " + timeout.toSeconds() + " s; backfill "
                            + b.path("id").asText() + " is still running.");
                    return ExitCodes.STILL_RUNNING;
                }
                Thread.sleep(1000);
                b = api().get(BACKFILLS + Api.enc(b.path("id").asText()));
            }
            if (output != Format.table) {
                printStructured(b);
            } else {
                out().println("Backfill " + b.path("id").asText() + " of " + b.path("namespace").asText() + "."
                        + b.path("pipelineId").asText() + " (" + b.path("start").asText() + " to "
                        + b.path("end").asText() + ") is " + b.path("state").asText() + ": " + counts(b) + ".");
                out().flush();
            }
            String state = b.path("state").asText();
            return !wait || state.equals("succeeded") ? ExitCodes.OK : ExitCodes.ofRun(state);
        }

        static final class InstantConverter implements picocli.CommandLine.ITypeConverter<java.time.Instant> {
            @Override
            public java.time.Instant convert(String value) {
                try {
                    return java.time.Instant.parse(value);
                } catch (java.time.format.DateTimeParseException e) {
                    throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 instant:"
                            + " write e.g. 2026-11-01T00:00:00Z");
                }
            }
        }

        private static String counts(JsonNode b) {
            StringBuilder text = new StringBuilder();
            b.path("runs").fields().forEachRemaining(e -> text.append(text.length() == 0 ? "" : ", ")
                    .append(e.getValue().asText()).append(' ').append(e.getKey()));
            return text.length() == 0 ? "no runs yet" : "runs " + text;
        }
    }
}
