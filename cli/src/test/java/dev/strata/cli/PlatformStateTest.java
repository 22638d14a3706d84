package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strata.cli.PlatformState.Entry;
import dev.strata.cli.PlatformState.Phase;

class PlatformStateTest {

    @TempDir
    Path run;

    @Test
    void whatIsWrittenIsReadBack() {
        Instant t = Instant.parse("2025-01-02T03:04:05Z");
        PlatformState state = PlatformState.starting(100, t).with(Phase.READY, 101,
                List.of(new Entry("postgres", 200, 5432, t), new Entry("kafka", 201, 9092, t)),
                List.of(new Entry("gateway", 300, 8080, t.plusSeconds(3))));
        state.write(run);

        assertEquals(state, PlatformState.read(run).orElseThrow());
        assertFalse(Files.exists(run.resolve("platform.properties.tmp")));
        assertEquals(List.of("launcher", "watchdog", "postgres", "kafka", "gateway"),
                state.allProcesses().stream().map(Entry::name).toList());
    }

    @Test
    void noFileMeansNothingRuns() {
        assertTrue(PlatformState.read(run).isEmpty());
        PlatformState.starting(1, Instant.now()).write(run);
        PlatformState.delete(run);
        assertTrue(PlatformState.read(run).isEmpty());
    }

    @Test
    void aStartingLauncherHasNoProcessesYet() {
        PlatformState.starting(7, Instant.now()).write(run);
        PlatformState read = PlatformState.read(run).orElseThrow();
        assertEquals(Phase.STARTING, read.phase());
        assertEquals(7, read.launcherPid());
        assertTrue(read.services().isEmpty());
        assertTrue(read.infrastructure().isEmpty());
    }
}
