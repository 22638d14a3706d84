package dev.strata.ingest.run;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.LoadSpec;
import dev.strata.ingest.config.IngestConfig;
import dev.strata.ingest.load.LoadException;
import dev.strata.ingest.load.LoadResult;
import dev.strata.ingest.load.Loader;
import dev.strata.ingest.spec.LoadMode;
import dev.strata.outbox.TaskHeartbeats;
import dev.strata.outbox.TaskLogs;
import dev.strata.outbox.Tracing;
import dev.strata.outbox.quarkus.Heartbeats;
import dev.strata.outbox.quarkus.Outbox;
import dev.strata.outbox.quarkus.TaskLogWriter;

/**
 * Runs queued loads: claims one ({@code FOR UPDATE SKIP LOCKED}), keeps its lease while it runs (and tells the
 * scheduler it is alive with TaskHeartbeated), and records the outcome with its events in one transaction. A load whose worker died is claimed again when its lease runs out; the
 * warehouse ledger makes sure it is not loaded twice.
 */
@ApplicationScoped
public class LoadWorker {

    private static final Logger LOG = Logger.getLogger(LoadWorker.class);

    @Inject
    IngestConfig config;
    @Inject
    AgroalDataSource metadata;
    @Inject
    LoadRunRepository runs;
    @Inject
    LoadEvents events;
    @Inject
    Loader loader;
    @Inject
    Outbox outbox;
    @Inject
    Heartbeats heartbeats;

    @Inject
    TaskLogWriter taskLogs;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry metrics;

    private final Semaphore wakeUps = new Semaphore(0);
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private ExecutorService pool;
    private ScheduledExecutorService heartbeat;
    private volatile boolean stopping;
    private String worker;

    void start(@Observes StartupEvent event) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "ingest";
        }
        worker = host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 6);
        int workers = config.workers();
        if (workers <= 0) {
            return;
        }
        pool = Executors.newFixedThreadPool(workers, r -> new Thread(r, "ingest-worker"));
        for (int i = 0; i < workers; i++) {
            pool.execute(this::loop);
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ingest-lease"));
        long every = Math.max(200, config.lease().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        wakeUps.release(100);
        if (pool != null) {
            pool.shutdownNow();
            heartbeat.shutdownNow();
        }
    }

    /** Makes an idle worker look for queued loads now. */
    public void wakeUp() {
        wakeUps.release();
    }

    public String name() {
        return worker;
    }

    private void loop() {
        while (!stopping) {
            try {
                if (!runOne()) {
                    wakeUps.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | SQLException e) {
                LOG.warnf("ingest worker: %s", e.getMessage());
                try {
                    Thread.sleep(config.pollInterval().toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Claims and runs one load; false when none was waiting. */
    boolean runOne() throws SQLException {
        Optional<Claimed> claimed;
        Tracing.Resumed trace = null;
        try {
            try (Connection c = metadata.getConnection()) {
                c.setAutoCommit(false);
                claimed = runs.claim(c, worker, config.lease());
                if (claimed.isPresent()) {
                    // the load runs in the trace of the request that queued it: its events and log lines name it
                    trace = Tracing.resume(claimed.get().traceparent(), null);
                    events.started(c, claimed.get(), worker);
                }
                c.commit();
            }
            if (claimed.isEmpty()) {
                return false;
            }
            outbox.wakeUp();
            run(claimed.get());
            return true;
        } finally {
            if (trace != null) {
                trace.close();
            }
        }
    }

    private void run(Claimed load) throws SQLException {
        running.add(load.id());
        // the scheduler's task: TaskHeartbeated while the load runs, stopped before its outcome is reported
        TaskHeartbeats.Beat beat = load.taskRunId() == null
                ? TaskHeartbeats.Beat.NONE
                : heartbeats.start(load.taskRunId(), load.attempt(), worker, config.heartbeatInterval());
        // and its log, read through the scheduler's API: closed (the last lines sent) before the outcome
        TaskLogs.Attempt log = load.taskRunId() == null
                ? TaskLogs.Attempt.NONE
                : taskLogs.open(load.taskRunId(), load.attempt(), worker);
        long started = System.nanoTime();
        String dataset = load.namespace() + "." + load.dataset();
        LoadResult result = null;
        String error = null;
        boolean retryable = false;
        try {
            if (load.tries() > config.maxTries()) {
                throw LoadException.input("the load was started " + (load.tries() - 1) + " times and its worker "
                        + "stopped each time (strata.ingest.max-tries)");
            }
            LoadSpec spec = LoadSpec.readLenient(load.spec());
            log.info("load " + load.id() + " of " + dataset + " ("
                    + LoadMode.of(spec).name().toLowerCase(java.util.Locale.ROOT)
                    + ") started by " + worker);
            result = loader.load(load.id(), spec, log);
            log.info("loaded " + result.rows() + " rows, " + result.bytes() + " bytes, " + result.quarantined()
                    + " quarantined, " + result.discarded() + " discarded in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms; " + result.table() + " has "
                    + result.tableRows() + " rows");
        } catch (LoadException e) {
            error = e.getMessage();
            retryable = e.retryable();
            log.error("failed" + (retryable ? " (will be retried)" : "") + ": " + error);
        } catch (Exception e) {
            LOG.errorf(e, "load %s of %s failed unexpectedly", load.id(), dataset);
            error = "the load failed unexpectedly (" + e.getClass().getSimpleName() + "); see the worker's log";
            retryable = true;
            log.error(error);
        } finally {
            running.remove(load.id());
            beat.close();
            log.close();
        }
        long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        try (Connection c = metadata.getConnection()) {
            c.setAutoCommit(false);
            if (result != null) {
                if (runs.succeeded(c, load.id(), worker, result, durationMs)) {
                    events.succeeded(c, current(c, load), result, durationMs);
                }
            } else if (runs.failed(c, load.id(), worker, error, retryable, durationMs)) {
                events.failed(c, current(c, load), error, retryable, durationMs);
            }
            c.commit();
        }
        outbox.wakeUp();
        Timer.builder("strata.ingest.load").description("time a load took, by dataset and outcome")
                .tags("dataset", dataset, "outcome", result != null ? "succeeded" : "failed").register(metrics)
                .record(durationMs, TimeUnit.MILLISECONDS);
        if (result != null && !result.alreadyLoaded()) {
            counter("strata.ingest.loaded.rows", "rows written to the warehouse", dataset).increment(result.rows());
            counter("strata.ingest.read.bytes", "bytes read from sources", dataset).increment(result.bytes());
            counter("strata.ingest.quarantined.rows", "rows sent to quarantine", dataset)
                    .increment(result.quarantined());
            LOG.infof("load %s of %s: %d rows, %d bytes, %d quarantined, %d discarded in %d ms", load.id(), dataset,
                    result.rows(), result.bytes(), result.quarantined(), result.discarded(), durationMs);
        } else if (result == null) {
            LOG.infof("load %s of %s failed: %s", load.id(), dataset, error);
        }
    }

    private Counter counter(String name, String description, String dataset) {
        return Counter.builder(name).description(description).tag("dataset", dataset).register(metrics);
    }

    private void renew() {
        List<UUID> ids = List.copyOf(running);
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = metadata.getConnection()) {
            runs.renew(c, worker, ids, config.lease());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("cannot renew the lease of %d loads: %s", ids.size(), e.getMessage());
        }
    }

    /** The load as of the attempt it is for now: a retry of its task may have adopted it while it ran. */
    private Claimed current(Connection c, Claimed load) throws SQLException {
        if (load.taskRunId() == null) {
            return load;
        }
        int attempt = runs.attempt(c, load.id(), load.attempt());
        return attempt == load.attempt()
                ? load
                : new Claimed(load.id(), load.namespace(), load.dataset(), load.spec(), load.taskRunId(),
                        load.runId(), attempt, load.tries(), load.traceparent(), load.requestedBy());
    }
}
