package dev.strata.scheduler.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.run.RunEngine.PipelineKey;
import dev.strata.web.db.Db;

/**
 * Looks after what no event will announce: retries whose backoff ended, attempts past their timeout, workers whose
 * heartbeats stopped, runs past their SLA or the longest allowed duration, queued runs that may start. It reads only
 * the rows that are due (indexed {@code due_at} and {@code deadline_at}), never every task, and handles each row in
 * its own transaction under the run's lock, so several replicas can run it at once.
 */
@ApplicationScoped
public class Watchdog {

    private static final Logger LOG = Logger.getLogger(Watchdog.class);

    private final Db db;
    private final RunEngine engine;
    private final SchedulerConfig config;
    private ScheduledExecutorService timer;

    Watchdog(Db db, RunEngine engine, SchedulerConfig config) {
        this.db = db;
        this.engine = engine;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler-watchdog");
            t.setDaemon(true);
            return t;
        });
        long every = config.watchdogInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick(Instant.now());
            } catch (RuntimeException e) {
                LOG.warnf("watchdog round failed: %s", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One round at {@code now}; answers how many rows it handled. */
    public int tick(Instant now) {
        int handled = 0;
        List<UUID> due = db.list("SELECT id FROM task_run WHERE due_at <= ? ORDER BY due_at LIMIT 200",
                rs -> rs.getObject(1, UUID.class), now);
        for (UUID id : due) {
            engine.onDue(id, now).ifPresent(engine::promote);
            handled++;
        }
        List<UUID> overdue = db.list("SELECT id FROM run WHERE state = 'running' AND deadline_at <= ? "
                + "ORDER BY deadline_at LIMIT 100", rs -> rs.getObject(1, UUID.class), now);
        for (UUID id : overdue) {
            engine.onOverdue(id, now).ifPresent(engine::promote);
            handled++;
        }
        List<PipelineKey> waiting = db.list("SELECT DISTINCT namespace, pipeline_id FROM run WHERE state = 'queued' "
                + "AND created_at < ?", rs -> new PipelineKey(rs.getString(1), rs.getString(2)), now.minusSeconds(1));
        waiting.forEach(engine::promote);
        return handled;
    }
}
