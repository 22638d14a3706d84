package dev.strata.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.scheduler.schedule.CronFirer;

/**
 * Cron firing against the real database with a simulated clock: the firer is called with the time it should
 * believe it is, as a replica would be after that much wall time.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class CronFiringTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Inject
    CronFirer firer;

    @Inject
    AgroalDataSource db;

    @Override
    protected DevStack stack() {
        return stack;
    }

    private static String everyMinute(String id, String catchUp) {
        return """
                namespace: ops
                id: %s
                schedule: {cron: "%s", timezone: UTC}
                catch_up: %s
                concurrency: {limit: 1000}
                tasks:
                  - id: tell
                    type: notify
                    inputs: {channel: ops-alerts, message: tick}
                """.formatted(id, id.startsWith("every5") ? "*/5 * * * *" : "* * * * *", catchUp);
    }

    @Test
    void twoReplicasNeverFireTheSameScheduleTwice() throws Exception {
        submitOk(everyMinute("race", "all"));
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.DAYS);
        setNextFire(db, "race", base);
        int minutes = 80;
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        List<Future<Integer>> results = new ArrayList<>();
        for (String replica : List.of("replica-a", "replica-b")) {
            Callable<Integer> loop = () -> {
                int runs = 0;
                for (int m = 0; m < minutes; m++) {
                    runs += firer.fireDue(base.plusSeconds(60L * m + 1), replica).runs();
                }
                return runs;
            };
            results.add(replicas.submit(loop));
        }
        int total = 0;
        for (Future<Integer> f : results) {
            total += f.get();
        }
        replicas.shutdown();
        assertEquals(minutes, total, "runs reported by both replicas together");
        assertEquals(minutes, count(db, "SELECT count(*) FROM schedule_fire WHERE pipeline_id = 'race' "
                + "AND outcome = 'run'"));
        assertEquals(minutes,
                count(db, "SELECT count(*) FROM run WHERE pipeline_id = 'race' AND trigger = 'schedule'"));
        assertEquals(minutes, count(db, "SELECT count(DISTINCT logical_date) FROM run WHERE pipeline_id = 'race'"));
        assertEquals(0, count(db, "SELECT count(*) FROM schedule_fire f WHERE pipeline_id = 'race' AND NOT EXISTS "
                + "(SELECT 1 FROM run r WHERE r.id = f.run_id AND r.logical_date = f.fire_time)"));
        assertTrue(count(db, "SELECT count(DISTINCT fired_by) FROM schedule_fire WHERE pipeline_id = 'race'") >= 1);
    }

    @Test
    void aRestartAfterDowntimeAppliesEachCatchUpPolicy() throws Exception {
        Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(2, ChronoUnit.DAYS);
        // the scheduler was down from base to base + 62 min: fires at base, base+5, ..., base+60 were missed
        Instant restart = base.plus(62, ChronoUnit.MINUTES);
        for (String policy : List.of("none", "latest", "all")) {
            submitOk(everyMinute("every5_" + policy, policy));
            setNextFire(db, "every5_" + policy, base);
        }
        firer.fireDue(restart, "restarted");
        assertEquals(0, runs("every5_none"));
        assertEquals(13, count(db, "SELECT count(*) FROM schedule_fire WHERE pipeline_id = 'every5_none' "
                + "AND outcome LIKE 'skipped%'"));
        assertEquals(1, runs("every5_latest"));
        assertEquals(base.plus(60, ChronoUnit.MINUTES), instant("SELECT logical_date FROM run "
                + "WHERE pipeline_id = 'every5_latest'"));
        assertEquals(13, runs("every5_all"));
        for (String policy : List.of("none", "latest", "all")) {
            assertEquals(base.plus(65, ChronoUnit.MINUTES), instant("SELECT next_fire_at FROM pipeline "
                    + "WHERE pipeline_id = 'every5_" + policy + "'"));
        }
        // the next round fires only what is new
        firer.fireDue(base.plus(65, ChronoUnit.MINUTES).plusSeconds(1), "restarted");
        assertEquals(1, runs("every5_none"));
        assertEquals(14, runs("every5_all"));
    }

    private long runs(String pipeline) throws SQLException {
        return count(db, "SELECT count(*) FROM run WHERE pipeline_id = '" + pipeline + "'");
    }

    private Instant instant(String sql) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }
}
