package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.strata.cli.StatusTable.Row;
import dev.strata.cli.StatusTable.State;

class StatusTableTest {

    @Test
    void formatsOneAlignedRowPerProcess() {
        List<Row> rows = List.of(
                new Row("launcher", 4242, 0, State.RUNNING, OptionalLong.of(90_000), Optional.of(Duration
                        .ofSeconds(75))),
                new Row("postgres", 4250, 35087, State.READY, OptionalLong.of(204_800), Optional.of(Duration
                        .ofHours(2).plusMinutes(5))),
                new Row("registry", 4301, 33165, State.DEAD, OptionalLong.empty(), Optional.empty()));
        assertEquals("""
                NAME       PID   PORT  STATE       RSS  UPTIME
                launcher  4242      -  running   88 MB  1m 15s
                postgres  4250  35087  ready    200 MB  2h 05m
                registry  4301  33165  dead          -  -
                """, StatusTable.format(rows));
    }

    @Test
    void theSummarySaysWhatIsNotUp() {
        Row ready = new Row("gateway", 1, 8080, State.READY, OptionalLong.empty(), Optional.empty());
        Row running = new Row("launcher", 2, 0, State.RUNNING, OptionalLong.empty(), Optional.empty());
        Row notReady = new Row("auth", 3, 8081, State.NOT_READY, OptionalLong.empty(), Optional.empty());
        Row dead = new Row("registry", 4, 8082, State.DEAD, OptionalLong.empty(), Optional.empty());

        assertTrue(StatusTable.allOk(List.of(ready, running)));
        assertEquals("All 2 processes are up.", StatusTable.summary(List.of(ready, running)));

        assertFalse(StatusTable.allOk(List.of(ready, notReady)));
        assertEquals("1 of 2 processes is not up: auth (not ready).", StatusTable.summary(List.of(ready, notReady)));
        assertEquals("2 of 3 processes are not up: auth (not ready), registry (dead).",
                StatusTable.summary(List.of(ready, notReady, dead)));
    }

    @Test
    void memoryInMegabytesAndUptimeInTwoUnits() {
        assertEquals("-", StatusTable.megabytes(OptionalLong.empty()));
        assertEquals("0 MB", StatusTable.megabytes(OptionalLong.of(100)));
        assertEquals("150 MB", StatusTable.megabytes(OptionalLong.of(153_600)));

        assertEquals("-", StatusTable.uptime(Optional.empty()));
        assertEquals("59s", StatusTable.uptime(Optional.of(Duration.ofSeconds(59))));
        assertEquals("1m 00s", StatusTable.uptime(Optional.of(Duration.ofSeconds(60))));
        assertEquals("59m 59s", StatusTable.uptime(Optional.of(Duration.ofSeconds(3599))));
        assertEquals("1h 00m", StatusTable.uptime(Optional.of(Duration.ofHours(1))));
        assertEquals("3d 04h", StatusTable.uptime(Optional.of(Duration.ofDays(3).plusHours(4).plusMinutes(59))));
    }
}
