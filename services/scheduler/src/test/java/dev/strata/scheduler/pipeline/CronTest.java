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

    @Test
    void theNextFiveFiresKeepTheirLocalTimeAcrossADaylightSavingChange() {
        // Paris moves from UTC+1 to UTC+2 on 2027-03-28 at 02:00: 05:00 local is 04:00Z before, 03:00Z after
        ZoneId paris = ZoneId.of("Europe/Paris");
        assertEquals(java.util.List.of(Instant.parse("2027-03-26T04:00:00Z"), Instant.parse("2027-03-27T04:00:00Z"),
                Instant.parse("2027-03-28T03:00:00Z"), Instant.parse("2027-03-29T03:00:00Z"),
                Instant.parse("2027-03-30T03:00:00Z")),
                Cron.next("0 5 * * *", paris, Instant.parse("2027-03-25T12:00:00Z"), 5));
    }
}
