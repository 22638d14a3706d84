package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownCommandTest {

    @TempDir
    Path tmp;

    @Test
    void nothingToStop() {
        Cli.Result result = Cli.run("down", "--data-dir", tmp.toString());
        assertEquals(0, result.exitCode());
        assertEquals("Strata is not running.\n", result.out());
    }

    @Test
    void aStaleStateFileOfADeadLauncherIsRemoved() throws Exception {
        Path run = tmp.toRealPath().resolve("run");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        PlatformState.starting(gone.pid(), Instant.now()).write(run);

        Cli.Result result = Cli.run("down", "--data-dir", tmp.toString());

        assertEquals("Strata is not running.\n", result.out());
        assertFalse(Files.exists(PlatformState.file(run)));
    }

    @Test
    void stopsALeftoverThatOutlivedItsLauncher() throws Exception {
        Path root = tmp.toRealPath();
        Path run = root.resolve("run");
        Files.createDirectories(run);
        // a process started from this data directory (its path is on its command line), recorded like a server
        Process leftover = new ProcessBuilder("sh", "-c", "sleep 120; :", "strata-test", root.toString()).start();
        List<ProcessHandle> children = List.of();
        try {
            Files.writeString(run.resolve("redis.pid"), Long.toString(leftover.pid()));
            Thread.sleep(200);
            children = leftover.descendants().toList();

            Cli.Result result = Cli.run("down", "--data-dir", tmp.toString());

            assertEquals(0, result.exitCode(), result.err());
            assertEquals("Stopped redis (pid " + leftover.pid() + ").\nStrata is down; its data stays in " + root
                    + ".\n", result.out());
            assertTrue(leftover.waitFor(5, TimeUnit.SECONDS));
            assertFalse(Files.exists(run.resolve("redis.pid")));
        } finally {
            leftover.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
