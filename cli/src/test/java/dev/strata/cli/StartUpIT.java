package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's start-up work, through {@code ./strata} as a user runs it (no platform): user verbs run on the user
 * verbs' classpath (no dev stack, no jboss-logmanager) with a class cache the script makes on first use; the
 * launcher's verbs still run the full jar.
 */
class StartUpIT {

    private static final Path TARGET = Launcher.JAR.toAbsolutePath().getParent();
    private static final Path SCRIPT = TARGET.getParent().getParent().resolve("strata");

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {
    }

    private Result strata(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile());
        builder.environment().put("STRATA_CONFIG_DIR", tmp.resolve("config").toString());
        builder.environment().remove("STRATA_CLI_OPTS");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "strata " + String.join(" ", args) + " did not end");
        return new Result(process.exitValue(), Files.readString(tmp.resolve("out")),
                Files.readString(tmp.resolve("err")));
    }

    @Test
    void userVerbsRunWithoutTheDevStackAndTheLauncherVerbsWithIt() throws Exception {
        Path classes = tmp.resolve("classes.log");
        Result ls = strata(Map.of("STRATA_URL", "http://127.0.0.1:9", "STRATA_TOKEN", "strata_pat_x",
                "STRATA_CLI_OPTS", "-XX:+UseSerialGC -Xlog:class+load=info:file=" + classes), "runs", "ls");

        assertEquals(ExitCodes.UNREACHABLE, ls.exitCode(), ls.out() + ls.err());
        assertTrue(ls.err().startsWith("Error: cannot reach the Strata platform at http://127.0.0.1:9"), ls.err());
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("dev.strata.cli.RunsCommand$Ls"), "the log names the classes loaded");
        assertFalse(loaded.contains("dev.strata.devstack."), "a dev stack class was loaded for runs ls");
        assertFalse(loaded.contains("org.jboss.logmanager."), "jboss-logmanager was loaded for runs ls");
        assertFalse(loaded.contains("strata-devstack"), "the dev stack's jar is on the user verbs' classpath");

        Result statusHelp = strata(Map.of(), "status", "--help");
        assertEquals(ExitCodes.OK, statusHelp.exitCode(), statusHelp.err());
        assertTrue(statusHelp.out().contains("--data-dir"), statusHelp.out());
        Result help = strata(Map.of(), "--help");
        assertTrue(help.out().contains("  up ") && help.out().contains("  runs "), help.out());
        assertFalse(help.out().contains("cache-training"), help.out());
    }

    @Test
    void theClassCacheIsMadeOnFirstUseAndUsed() throws Exception {
        try (Stream<Path> files = Files.list(TARGET)) {
            for (Path old : files.filter(f -> f.getFileName().toString().matches("strata-cli-user-(api|project)-jdk.*"))
                    .toList()) {
                Files.delete(old);
            }
        }
        Result first = strata(Map.of(), "version");
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        assertTrue(first.out().startsWith("strata "), first.out());
        assertEquals("", first.err());
        List<Path> caches;
        try (Stream<Path> files = Files.list(TARGET)) {
            caches = files.filter(f -> f.getFileName().toString().matches("strata-cli-user-api-jdk.*\\.(aot|jsa)"))
                    .toList();
        }
        assertEquals(1, caches.size(), "one cache of the api verbs for the JDK they run on: " + caches);

        // JAVA_TOOL_OPTIONS reaches the JVM without replacing the script's flags (STRATA_CLI_OPTS would)
        Path classes = tmp.resolve("cached.log");
        Result second = strata(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes), "version");
        assertEquals(ExitCodes.OK, second.exitCode(), second.err());
        // picocli's classes are Java 5 class files: the JDK archives none of them once linked, nor a class that
        // implements one of its interfaces (DurationConverter); the verbs' own classes come from the cache
        List<String> lines = Files.readAllLines(classes, StandardCharsets.UTF_8);
        for (String name : List.of("dev.strata.cli.StrataCommand", "dev.strata.cli.VersionCommand")) {
            String line = lines.stream().filter(l -> l.contains(" " + name + " ")).findFirst().orElse("");
            assertTrue(line.contains("source: shared objects file"), name + " not from the cache: " + line);
        }
    }

    @Test
    void projectValidateRunsTheEngineOnTheUserVerbsClasspath() throws Exception {
        Path project = tmp.resolve("shop");
        Files.createDirectories(project.resolve("models"));
        Files.writeString(project.resolve("dbt_project.yml"), "name: shop\n");
        Files.writeString(project.resolve("models/orders.sql"), "select 1 as id, {{ var('x', 5) }} as x\n");
        Files.writeString(project.resolve("models/summary.sql"), "select *\nfrom {{ ref('ordrs') }}\n");

        Result broken = strata(Map.of(), "project", "validate", project.toString());
        assertEquals(ExitCodes.INVALID, broken.exitCode(), broken.out() + broken.err());
        assertTrue(broken.err().contains(project.resolve("models/summary.sql") + ":2: "), broken.err());
        assertTrue(broken.err().contains("(did you mean 'orders'?)"), broken.err());

        Files.writeString(project.resolve("models/summary.sql"), "select *\nfrom {{ ref('orders') }}\n");
        Result good = strata(Map.of(), "project", "validate", project.toString());
        assertEquals(ExitCodes.OK, good.exitCode(), good.err());
        assertEquals(project + ": project shop compiles: 2 models, 0 tests.", good.out().strip());
    }
}
