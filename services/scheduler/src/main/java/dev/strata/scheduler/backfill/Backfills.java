package dev.strata.scheduler.backfill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.scheduler.pipeline.Cron;
import dev.strata.scheduler.pipeline.PipelineDefinition;
import dev.strata.scheduler.pipeline.PipelineStore;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunEngine.PipelineKey;
import dev.strata.scheduler.run.RunEngine.RefusedException;
import dev.strata.web.db.Db;

/**
 * Backfills: one run per schedule fire in a date range (the run's {@code logical_date}), at most {@code concurrency}
 * running at once, optionally only the dates without a succeeded run; cancelling one cancels its queued and running
 * runs.
 */
@ApplicationScoped
public class Backfills {

    public static final int MAX_RUNS = 1000;

    public record Backfill(UUID id, String namespace, String pipelineId, Instant start, Instant end, int concurrency,
            boolean onlyMissing, String state, Instant createdAt, Instant finishedAt, Map<String, Long> runs) {
    }

    private final Db db;
    private final PipelineStore pipelines;
    private final RunEngine engine;

    Backfills(Db db, PipelineStore pipelines, RunEngine engine) {
        this.db = db;
        this.pipelines = pipelines;
        this.engine = engine;
    }

    /** The logical dates of a backfill: the pipeline's fires in {@code [start, end]}. */
    public List<Instant> dates(PipelineDefinition def, Instant start, Instant end) {
        var schedule = def.schedule().orElseThrow(() -> new RefusedException(
                "pipeline " + def.namespace() + "." + def.id() + " has no schedule: a backfill runs its cron fires"));
        List<Instant> dates = new ArrayList<>();
        Instant t = Cron.nextAfter(schedule.cron(), schedule.timezone(), start.minusMillis(1)).orElse(null);
        while (t != null && !t.isAfter(end)) {
            if (dates.size() == MAX_RUNS) {
                throw new RefusedException("the range holds more than " + MAX_RUNS + " fires; split the backfill");
            }
            dates.add(t);
            t = Cron.nextAfter(schedule.cron(), schedule.timezone(), t).orElse(null);
        }
        return dates;
    }

    @Transactional
    public Backfill create(String namespace, String pipelineId, Instant start, Instant end, int concurrency,
            boolean onlyMissing, Map<String, String> params) {
        var stored = pipelines.find(namespace, pipelineId)
                .orElseThrow(
                        () -> new RefusedException("pipeline " + namespace + "." + pipelineId + " does not exist"));
        PipelineDefinition def = pipelines.definition(namespace, pipelineId, stored.version());
        List<Instant> dates = dates(def, start, end);
        Set<Instant> done = new HashSet<>();
        if (onlyMissing) {
            done.addAll(db.list("SELECT DISTINCT logical_date FROM run WHERE namespace = ? AND pipeline_id = ? "
                    + "AND state = 'succeeded' AND logical_date BETWEEN ? AND ?", rs -> Db.instant(rs, "logical_date"),
                    namespace, pipelineId, start, end));
        }
        UUID id = UUID.randomUUID();
        db.update("INSERT INTO backfill (id, namespace, pipeline_id, start_at, end_at, concurrency, only_missing, "
                + "state) VALUES (?, ?, ?, ?, ?, ?, ?, 'running')", id, namespace, pipelineId, start, end, concurrency,
                onlyMissing);
        for (Instant date : dates) {
            if (!done.contains(date)) {
                engine.trigger(namespace, pipelineId, "backfill", params, date, id);
            }
        }
        engine.promote(new PipelineKey(namespace, pipelineId));
        return find(id).orElseThrow();
    }

    public Optional<Backfill> find(UUID id) {
        return db.one("SELECT id, namespace, pipeline_id, start_at, end_at, concurrency, only_missing, state, "
                + "created_at, finished_at FROM backfill WHERE id = ?", rs -> {
                    UUID bid = rs.getObject(1, UUID.class);
                    return new Backfill(bid, rs.getString(2), rs.getString(3), Db.instant(rs, "start_at"),
                            Db.instant(rs, "end_at"), rs.getInt(6), rs.getBoolean(7), rs.getString(8),
                            Db.instant(rs, "created_at"), Db.instant(rs, "finished_at"), null);
                }, id).map(b -> new Backfill(b.id(), b.namespace(), b.pipelineId(), b.start(), b.end(),
                        b.concurrency(), b.onlyMissing(), b.state(), b.createdAt(), b.finishedAt(), runCounts(b.id())));
    }

    private Map<String, Long> runCounts(UUID id) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        db.list("SELECT state, count(*) FROM run WHERE backfill_id = ? GROUP BY state",
                rs -> counts.put(rs.getString(1), rs.getLong(2)), id);
        return counts;
    }

    public List<PipelineKey> cancel(UUID id) {
        List<PipelineKey> keys = engine.cancelBackfill(id);
        keys.stream().distinct().forEach(engine::promote);
        return keys;
    }
}
