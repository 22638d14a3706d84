package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class ProcessStatsTest {

    @Test
    void readsVmRssFromAProcStatusText() {
        String status = "Name:\tjava\nVmPeak:\t 4000000 kB\nVmRSS:\t  123456 kB\nThreads:\t40\n";
        assertEquals(OptionalLong.of(123456), ProcessStats.parseVmRssKb(status));
        assertEquals(OptionalLong.empty(), ProcessStats.parseVmRssKb("Name:\tkthreadd\n"));
    }

    @Test
    void measuresThisJvm() {
        ProcessHandle self = ProcessHandle.current();
        long kb = ProcessStats.rssKb(self, true).orElseThrow();
        assertTrue(kb > 10_000, kb + " kB");
        assertTrue(ProcessStats.uptime(self, Instant.now()).orElseThrow().toMillis() >= 0);
        assertTrue(ProcessStats.alive(self.pid()).isPresent());
        assertTrue(ProcessStats.alive(0).isEmpty());
    }
}
