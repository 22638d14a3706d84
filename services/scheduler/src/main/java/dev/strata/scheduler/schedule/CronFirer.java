package dev.strata.scheduler.schedule;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.pipeline.Cron;
import dev.strata.scheduler.pipeline.PipelineDefinition;
import dev.strata.scheduler.pipeline.PipelineDefinition.CatchUp;
import dev.strata.scheduler.pipeline.PipelineStore;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.web.db.Db;

/**
 * Fires cron schedules. Each round claims the pipelines whose {@code next_fire_at} has passed with
 * {@code FOR UPDATE SKIP LOCKED} (a replica never waits for another), writes one {@code schedule_fire} row per fire
 * (its primary key makes a fire happen once even if two replicas raced), creates the runs, and moves
 * {@code next_fire_at} past now. Fires missed while no scheduler ran (later than the misfire grace) follow the
 * pipeline's {@code catch_up}: {@code none} records them as skipped, {@code latest} runs the most recent one,
 * {@code all} runs each (up to {@code max-catch-up}). A paused pipeline is not fired; resuming it moves
 * {@code next_fire_at} past now.
 */
@ApplicationScoped
public class CronFirer {

    private static final Logger LOG = Logger.getLogger(CronFirer.class);
    private static final int MAX_FIRES_PER_ROUND = 10_000;

    private final Db db;
    private final PipelineStore pipelines;
    private final RunEngine engine;
    private final SchedulerConfig config;
    private final String instance;
    private ScheduledExecutorService timer;

    CronFirer(Db db, PipelineStore pipelines, RunEngine engine, SchedulerConfig config, MeterRegistry meters) {
        this.db = db;
        this.pipelines = pipelines;
        this.engine = engine;
        this.config = config;
        this.instance = config.instance().orElseGet(CronFirer::hostName);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "scheduler";
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.firingEnabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler-cron");
            t.setDaemon(true);
            return t;
        });
        long every = config.fireInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                fireDue(Instant.now(), instance);
            } catch (RuntimeException e) {
                LOG.warnf("cron round failed: %s", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** What one round did. */
    public record Round(int runs, int skipped) {
    }

    /**
     * Fires every schedule due at {@code now}, as replica {@code firer}. Safe to call from several replicas (or
     * threads) at once.
     */
    @Transactional
    public Round fireDue(Instant now, String firer) {
        record Due(String namespace, String id, int version, Instant nextFireAt) {
        }
        List<Due> due = db.list("SELECT namespace, pipeline_id, current_version, next_fire_at FROM pipeline "
                + "WHERE NOT deleted AND paused_at IS NULL AND next_fire_at <= ? ORDER BY next_fire_at LIMIT 20 FOR UPDATE SKIP LOCKED",
                rs -> new Due(rs.getString(1), rs.getString(2), rs.getInt(3), Db.instant(rs, "next_fire_at")), now);
        int runs = 0;
        int skipped = 0;
        for (Due d : due) {
            PipelineDefinition def = pipelines.definition(d.namespace(), d.id(), d.version());
            if (def.schedule().isEmpty()) {
                db.update("UPDATE pipeline SET next_fire_at = NULL WHERE namespace = ? AND pipeline_id = ?",
                        d.namespace(), d.id());
                continue;
            }
            var schedule = def.schedule().get();
            List<Instant> fires = new ArrayList<>();
            Instant t = d.nextFireAt();
            while (t != null && !t.isAfter(now) && fires.size() < MAX_FIRES_PER_ROUND) {
                fires.add(t);
                t = Cron.nextAfter(schedule.cron(), schedule.timezone(), t).orElse(null);
            }
            Instant grace = now.minus(config.misfireGrace());
            for (int i = 0; i < fires.size(); i++) {
                Instant fire = fires.get(i);
                boolean missed = fire.isBefore(grace);
                boolean last = i == fires.size() - 1;
                boolean run = !missed
                        || def.catchUp() == CatchUp.ALL && fires.size() - i <= config.maxCatchUp()
                        || def.catchUp() == CatchUp.LATEST && (last || !fires.get(i + 1).isBefore(grace));
                String outcome = run
                        ? "run"
                        : "skipped: missed while no scheduler ran (catch_up "
                                + def.catchUp().name().toLowerCase() + ")";
                int inserted = db.update("INSERT INTO schedule_fire (namespace, pipeline_id, fire_time, outcome, "
                        + "fired_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", d.namespace(), d.id(), fire,
                        outcome, firer);
                if (inserted == 0) {
                    continue;
                }
                if (!run) {
                    skipped++;
                    continue;
                }
                try {
                    var created = engine.trigger(d.namespace(), d.id(), "schedule", Map.of(), fire, null);
                    db.update("UPDATE schedule_fire SET run_id = ? WHERE namespace = ? AND pipeline_id = ? "
                            + "AND fire_time = ?", created.id(), d.namespace(), d.id(), fire);
                    runs++;
                } catch (RunEngine.RefusedException e) {
                    db.update("UPDATE schedule_fire SET outcome = ? WHERE namespace = ? AND pipeline_id = ? "
                            + "AND fire_time = ?", "skipped: " + e.getMessage(), d.namespace(), d.id(), fire);
                    skipped++;
                }
            }
            Optional<Instant> next = Cron.nextAfter(schedule.cron(), schedule.timezone(),
                    fires.isEmpty() ? now : fires.get(fires.size() - 1));
            if (next.isPresent() && !next.get().isAfter(now)) {
                next = Cron.nextAfter(schedule.cron(), schedule.timezone(), now);
            }
            db.update("UPDATE pipeline SET next_fire_at = ? WHERE namespace = ? AND pipeline_id = ?",
                    next.orElse(null), d.namespace(), d.id());
        }
        return new Round(runs, skipped);
    }
}
