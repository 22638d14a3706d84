package dev.strata.scheduler.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class CronTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    @Test
    void fiveFieldsFireOnMinutes() {
        assertEquals(Instant.parse("2026-12-07T05:00:00Z"),
                Cron.nextAfter("0 5 * * *", UTC, Instant.parse("2026-12-07T04:59:59Z")).orElseThrow());
        assertEquals(Instant.parse("2026-12-07T04:15:00Z"),
                Cron.nextAfter("*/15 * * * *", UTC, Instant.parse("2026-12-07T04:00:00Z")).orElseThrow());
    }

    @Test
    void sixFieldsStartWithSeconds() {
        Instant t = Instant.parse("2026-12-07T04:00:03Z");
        assertEquals(Instant.parse("2026-12-07T04:00:05Z"), Cron.nextAfter("*/5 * * * * *", UTC, t).orElseThrow());
        assertEquals(Instant.parse("2026-12-07T04:00:10Z"),
                Cron.nextAfter("*/5 * * * * *", UTC, Instant.parse("2026-12-07T04:00:05Z")).orElseThrow());
        assertTrue(Cron.problem("*/5 * * * * *").isEmpty());
    }

    @Test
    void wrongExpressionsSayWhy() {
        assertTrue(Cron.problem("61 * * * *").isPresent());
        assertTrue(Cron.problem("* * *").isPresent());
        assertTrue(Cron.problem("*/5 * * * * * *").isPresent());
    }
}
