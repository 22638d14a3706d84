package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine.TypeConversionException;

/** The user verbs' parts that need no platform: files, formats, arguments, messages. */
class UserVerbsTest {

    @TempDir
    Path tmp;

    @AfterEach
    void forgetConfigDir() {
        System.clearProperty("strata.config.dir");
    }

    @Test
    void contextsKeepTokensInAnOwnerOnlyFileOnly() throws Exception {
        Path dir = tmp.resolve("cfg");
        System.setProperty("strata.config.dir", dir.toString());
        Contexts contexts = Contexts.load();
        contexts.put(new Contexts.Context("prod", "https://strata.example.com", "ada"),
                Contexts.Credentials.ofApiToken("strata_pat_secret"));
        contexts.use("prod");
        contexts.save();

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Path credentials = dir.resolve(Contexts.CREDENTIALS_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        assertFalse(Files.readString(dir.resolve(Contexts.CONTEXTS_FILE)).contains("strata_pat_secret"));

        Cli.Result ls = Cli.run("context", "ls");
        assertEquals(0, ls.exitCode(), ls.err());
        assertTrue(ls.out().contains("*  prod  https://strata.example.com  ada   yes"), ls.out());
        assertFalse(ls.out().contains("strata_pat_secret"));
        assertEquals("prod https://strata.example.com ada", Cli.run("context", "current").out().strip());

        Cli.Result unknown = Cli.run("context", "use", "staging");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().startsWith("Error: there is no context 'staging'"), unknown.err());
    }

    @Test
    void notSignedInSaysWhatToDo() {
        System.setProperty("strata.config.dir", tmp.resolve("empty").toString());
        Cli.Result result = Cli.run("runs", "ls");
        assertEquals(ExitCodes.NOT_SIGNED_IN, result.exitCode());
        assertEquals("Error: you are not signed in to any platform: run strata login URL (e.g. strata login"
                + " http://127.0.0.1:8080), or set STRATA_URL and STRATA_TOKEN", result.err().strip());
    }

    @Test
    void aBackfillNeedsAPipelineStartAndEndInIso8601() {
        System.setProperty("strata.config.dir", tmp.resolve("empty").toString());
        Cli.Result missing = Cli.run("pipeline", "backfill", "sales.orders_daily", "--start", "2026-11-01T00:00:00Z");
        assertEquals(ExitCodes.USAGE, missing.exitCode(), missing.err());
        assertTrue(missing.err().startsWith("Error: a backfill needs NS.ID, --start and --end"), missing.err());

        Cli.Result badDate = Cli.run("pipeline", "backfill", "sales.orders_daily", "--start", "2026-11-01",
                "--end", "2026-11-30T00:00:00Z");
        assertEquals(ExitCodes.USAGE, badDate.exitCode(), badDate.err());
        assertTrue(badDate.err().contains("'2026-11-01' is not an ISO-8601 instant"), badDate.err());

        // a complete request reaches for the platform: here, none is configured
        Cli.Result complete = Cli.run("pipeline", "backfill", "sales.orders_daily", "--start",
                "2026-11-01T00:00:00Z", "--end", "2026-11-30T00:00:00Z");
        assertEquals(ExitCodes.NOT_SIGNED_IN, complete.exitCode(), complete.err());
        assertEquals(ExitCodes.NOT_SIGNED_IN, Cli.run("pipeline", "pause", "sales.orders_daily").exitCode());
    }

    @Test
    void pipelineNamesAreNamespaceDotId() {
        PipelineRef.Converter converter = new PipelineRef.Converter();
        assertEquals(new PipelineRef("sales", "orders_daily"), converter.convert("sales.orders_daily"));
        assertEquals(new PipelineRef("sales", "orders.daily"), converter.convert("sales/orders.daily"));
        assertThrows(TypeConversionException.class, () -> converter.convert("orders"));
        assertThrows(TypeConversionException.class, () -> converter.convert("sales."));
    }

    @Test
    void problemDetailsBecomeOneSentenceWithFileAndLine() {
        byte[] body = """
                {"type":"about:blank","title":"Unprocessable","status":422,"detail":"the project has 2 errors",
                 "errors":[{"file":"models/a.sql","line":3,"column":7,"message":"unknown ref 'b'"},
                           {"file":"dbt_project.yml","message":"name is missing"}]}
                """.getBytes(StandardCharsets.UTF_8);
        assertEquals("the project has 2 errors (models/a.sql:3:7: unknown ref 'b'; dbt_project.yml: name is missing)",
                Api.problem(body));
    }

    @Test
    void uploadProgressShowsBytesRateAndTimeLeft() {
        long gb = 1024L * 1024 * 1024;
        assertEquals("512.0 MB / 1.0 GB (50%)  102.4 MB/s  5s left", UploadProgress.line(gb / 2, gb, 5_000_000_000L));
        assertEquals("1.0 GB / 1.0 GB (100%)  204.8 MB/s", UploadProgress.line(gb, gb, 5_000_000_000L));
        assertEquals("0 B / 0 B  0 B/s", UploadProgress.line(0, 0, 1_000_000L));
    }

    @Test
    void projectFolderIsZippedWithoutGitAndTargetButWithItsVendoredPackages() throws Exception {
        Path project = tmp.resolve("shop");
        Files.createDirectories(project.resolve("models"));
        Files.createDirectories(project.resolve("dbt_packages/dbt_utils/macros"));
        Files.writeString(project.resolve("dbt_packages/dbt_utils/macros/keys.sql"), "{% macro k() %}1{% endmacro %}");
        Files.createDirectories(project.resolve("target"));
        Files.createDirectories(project.resolve(".git"));
        Files.writeString(project.resolve("dbt_project.yml"), "name: shop\n");
        Files.writeString(project.resolve("models/orders.sql"), "select 1\n");
        Files.writeString(project.resolve("target/manifest.json"), "{}");
        Files.writeString(project.resolve(".git/HEAD"), "ref");
        java.util.List<String> names = new java.util.ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(ProjectCommand.zip(project)))) {
            for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        // the engine reads packages from dbt_packages/ (no network at push or build), so they travel with the project
        assertEquals(java.util.List.of("dbt_packages/dbt_utils/macros/keys.sql", "dbt_project.yml",
                "models/orders.sql"), names);
    }

    @Test
    void completionScriptsForBashAndZsh() {
        Cli.Result bash = Cli.run("completion", "bash");
        assertEquals(0, bash.exitCode());
        assertTrue(bash.out().contains("complete -F _complete_strata"), bash.out().substring(0, 200));
        assertTrue(bash.out().contains("pipeline") && bash.out().contains("trigger"));
        Cli.Result zsh = Cli.run("completion", "zsh");
        assertTrue(zsh.out().contains("bashcompinit"));
        assertEquals(ExitCodes.USAGE, Cli.run("completion", "fish").exitCode());
    }

    @Test
    void everyUserVerbShowsAnExampleInItsHelp() {
        for (String[] verb : new String[][]{{"login"}, {"logout"}, {"whoami"}, {"ns", "ls"}, {"ns", "create"},
                {"pipeline", "apply"}, {"pipeline", "trigger"}, {"runs", "ls"}, {"runs", "follow"}, {"logs"},
                {"datasets", "upload"}, {"datasets", "register"}, {"project", "push"}, {"restart"}}) {
            String[] args = java.util.Arrays.copyOf(verb, verb.length + 1);
            args[verb.length] = "--help";
            Cli.Result help = Cli.run(args);
            assertEquals(0, help.exitCode(), String.join(" ", verb));
            assertTrue(help.out().contains("Example"), String.join(" ", verb) + ":\n" + help.out());
        }
    }

    @Test
    void registerTakesTheFormatFromTheFileName() {
        assertEquals("csv", DatasetsCommand.Register.formatOf("data/orders.csv"));
        assertEquals("ndjson", DatasetsCommand.Register.formatOf("events.NDJSON"));
        assertEquals("json", DatasetsCommand.Register.formatOf("https://example.com/rates.json"));
        assertEquals("tsv", DatasetsCommand.Register.formatOf("lines.tsv.gz"));
        assertEquals("csv", DatasetsCommand.Register.formatOf("no-extension"));
    }

    @Test
    void applyDashNSetsTheFilesNamespaceAndKeepsItsLines() {
        String yaml = "# a comment\nnamespace: sales\nid: daily\ntasks:\n  - id: a\n    namespace: kept\n";
        String moved = new String(PipelineCommand.inNamespace(Path.of("p.yaml"),
                yaml.getBytes(StandardCharsets.UTF_8), "sales-eu"), StandardCharsets.UTF_8);
        assertEquals("# a comment\nnamespace: sales-eu\nid: daily\ntasks:\n  - id: a\n    namespace: kept\n", moved);
        StrataException none = assertThrows(StrataException.class, () -> PipelineCommand.inNamespace(
                Path.of("p.yaml"), "id: daily\n".getBytes(StandardCharsets.UTF_8), "sales-eu"));
        assertEquals(ExitCodes.USAGE, none.exitCode());
        assertTrue(none.getMessage().contains("p.yaml"), none.getMessage());
    }
}
