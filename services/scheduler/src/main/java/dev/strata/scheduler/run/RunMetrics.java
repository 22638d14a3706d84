package dev.strata.scheduler.run;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.web.db.Db;

/**
 * What the pipelines dashboard and alert rules read ({@code observability/README.md}): runs finished and their
 * durations by pipeline ({@code <namespace>.<id>}) and status, task attempt durations by kind, SLA misses, the
 * hand-off delay from a run's start to its first tasks on Kafka, and the running runs whose workers went silent.
 * Recorded after the transaction that made the change commits.
 */
@ApplicationScoped
public class RunMetrics {

    private final MeterRegistry registry;

    RunMetrics(MeterRegistry registry, Db db, SchedulerConfig config) {
        this.registry = registry;
        Gauge.builder("strata.scheduler.stalled.runs", db, d -> {
            try {
                return d.count("SELECT count(DISTINCT run_id) FROM task_run WHERE state = 'running' "
                        + "AND heartbeat_at < ?", Instant.now().minus(config.heartbeatTimeout()));
            } catch (RuntimeException e) {
                return Double.NaN; // the database is away: no number rather than a wrong one
            }
        }).description("running runs with a task whose worker sent no heartbeat within the heartbeat timeout")
                .register(registry);
    }

    void runFinished(String pipeline, String status, Duration duration) {
        Counter.builder("strata.scheduler.runs").description("runs finished, by pipeline and status")
                .tags("pipeline", pipeline, "status", status).register(registry).increment();
        Timer.builder("strata.scheduler.run.duration").description("run durations, by pipeline and status")
                .tags("pipeline", pipeline, "status", status).register(registry).record(duration);
    }

    void taskFinished(String kind, String status, Duration duration) {
        Timer.builder("strata.scheduler.task.duration")
                .description("task attempt durations, from dispatch or start to the worker's answer")
                .tags("kind", kind, "status", status).register(registry).record(duration);
    }

    void slaMissed(String pipeline) {
        Counter.builder("strata.scheduler.sla.misses").description("runs that ran past their SLA")
                .tags("pipeline", pipeline).register(registry).increment();
    }

    void handedOff(Duration delay) {
        Timer.builder("strata.scheduler.handoff.delay")
                .description("from a run's creation to its first tasks published for the workers")
                .register(registry).record(delay);
    }
}
