package dev.strata.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "project", description = "Transform projects (dbt-style folders): validate or compile a folder on this"
        + " machine, push it as a new version, build models.", subcommands = {OfflineProject.Validate.class,
                OfflineProject.Compile.class, ProjectCommand.Push.class, ProjectCommand.Build.class}, footer = {"",
                        "Examples:", "  strata project validate ./shop",
                        "  strata project compile ./shop --select tag:gold", "  strata project push ./shop -n sales",
                        "  strata project build sales.shop --select +tag:gold --wait"})
final class ProjectCommand extends GroupCommand {

    /** The transform service refuses bigger archives; the CLI says so before sending. */
    static final long MAX_ARCHIVE_BYTES = 64L * 1024 * 1024;
    private static final Set<String> SKIPPED = Set.of(".git", "target", "logs", ".strata");

    /**
     * The folder as a zip archive, its paths relative to the folder (no .git, target, logs; with dbt_packages/, where
     * the engine reads vendored packages from).
     */
    static byte[] zip(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new StrataException(ExitCodes.USAGE, folder + " is not a folder: give the project's folder (the one"
                    + " with dbt_project.yml)", null);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(folder)) {
            List<Path> all = files.filter(Files::isRegularFile).filter(f -> {
                for (Path part : folder.relativize(f)) {
                    if (SKIPPED.contains(part.toString())) {
                        return false;
                    }
                }
                return true;
            }).sorted().toList();
            for (Path file : all) {
                zip.putNextEntry(new ZipEntry(folder.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
                if (bytes.size() > MAX_ARCHIVE_BYTES) {
                    throw new StrataException(ExitCodes.USAGE, folder + " is larger than "
                            + MAX_ARCHIVE_BYTES / 1024 / 1024 + " MB compressed; leave data files out of the project",
                            null);
                }
            }
        } catch (IOException e) {
            throw new StrataException(ExitCodes.USAGE, "cannot read " + folder + " (" + StrataException.reason(e)
                    + ")", e);
        }
        return bytes.toByteArray();
    }

    @Command(name = "push", description = "Push a project folder as a new version (engineer); errors name"
            + " file:line.", footer = {"", "Example:", "  strata project push ./shop -n sales"})
    static final class Push extends ApiCommand {
        @Parameters(paramLabel = "FOLDER")
        Path folder;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", required = true)
        String namespace;

        @Override
        public Integer call() {
            JsonNode version = api().send("POST", "/api/transform/v1/projects/" + Api.enc(namespace),
                    "application/zip", zip(folder));
            if (output != Format.table) {
                printStructured(version);
            } else {
                out().println("Pushed " + namespace + "." + version.path("project").asText() + " version "
                        + version.path("version").asText() + ".");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "build", description = "Build a project's models (engineer); with --wait, follow the build and"
            + " exit 0 on success, 1 otherwise.", footer = {"", "Example:",
                    "  strata project build sales.shop --select +tag:gold --wait"})
    static final class Build extends ApiCommand {
        @Parameters(paramLabel = "NS.PROJECT", converter = PipelineRef.Converter.class)
        PipelineRef project;

        @Option(names = "--select", paramLabel = "SELECTOR")
        String select;

        @Option(names = "--exclude", paramLabel = "SELECTOR")
        String exclude;

        @Option(names = "--project-version", paramLabel = "VERSION", description = "Default: the newest.")
        String version;

        @Option(names = "--full-refresh")
        boolean fullRefresh;

        @Option(names = "--var", paramLabel = "KEY=VALUE")
        Map<String, String> vars = new LinkedHashMap<>();

        @Option(names = "--wait", description = "Follow the build until it ends.")
        boolean wait;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "With --wait (default: 6h).")
        Duration timeout = Duration.ofHours(6);

        @Override
        public Integer call() throws InterruptedException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", version);
            body.put("select", select);
            body.put("exclude", exclude);
            body.put("vars", vars);
            body.put("fullRefresh", fullRefresh);
            body.values().removeIf(v -> v == null);
            JsonNode build = api().postJson("/api/transform/v1/projects/" + Api.enc(project.namespace()) + "/"
                    + Api.enc(project.id()) + "/builds", body);
            String id = build.path("id").asText();
            if (!wait) {
                if (output != Format.table) {
                    printStructured(build);
                } else {
                    out().println("Queued build " + id + " of " + project + ".");
                }
                return ExitCodes.OK;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "";
            while (true) {
                build = api().get("/api/transform/v1/builds/" + Api.enc(id));
                String status = build.path("status").asText();
                if (!status.equals(last) && output == Format.table) {
                    out().println("build " + id + " " + status);
                    out().flush();
                    last = status;
                }
                if (Set.of("success", "failed", "error").contains(status)) {
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    err().println("Stopped waiting after " + timeout.toSeconds() + " s; build " + id + " is "
                            + status + ".");
                    return ExitCodes.STILL_RUNNING;
                }
                Thread.sleep(500);
            }
            if (output != Format.table) {
                printStructured(build);
            } else {
                new Table().field("NODE", "node").field("STATUS", "status").field("ROWS", "rows")
                        .column("DURATION", n -> RunFollower.duration(n.path("durationMs")).strip())
                        .field("ERROR", "error").print(out(), build.path("nodes"));
                String error = build.path("error").asText("");
                out().println("Build " + id + " " + build.path("status").asText() + (error.isEmpty()
                        ? ""
                        : ": "
                                + error)
                        + ".");
            }
            return build.path("status").asText().equals("success") ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }
}
