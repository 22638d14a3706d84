package dev.strata.scheduler.run;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;

import dev.strata.events.LoadSpec;
import dev.strata.scheduler.client.CatalogClient;

/**
 * The dispatch of an {@code ingest} task that names a registered dataset ({@code inputs: {dataset: orders}}): reads
 * the dataset's current load spec from the registry on a pool thread, after the dispatching transaction committed,
 * and hands it to {@link RunEngine#requestIngest} (the {@code IngestRequested} then carries it, typed). A dataset
 * deleted since the pipeline was saved fails the attempt for good; a registry that does not answer fails it as
 * retryable, so the task's retries apply.
 */
@ApplicationScoped
public class DatasetIngest {

    private static final Logger LOG = Logger.getLogger(DatasetIngest.class);

    @Inject
    RunEngine engine;

    @Inject
    CatalogClient catalog;

    private volatile ExecutorService executor;

    private synchronized ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "scheduler-dataset-spec");
                t.setDaemon(true);
                return t;
            });
        }
        return executor;
    }

    void onStop(@Observes ShutdownEvent event) {
        ExecutorService e = executor;
        if (e != null) {
            e.shutdownNow();
        }
    }

    /** Resolves and requests the attempt (called after the dispatching transaction committed). */
    public void submit(UUID taskRunId, int attempt, String namespace, String dataset, Map<String, String> params) {
        executor().submit(() -> resolve(taskRunId, attempt, namespace, dataset, params));
    }

    private void resolve(UUID taskRunId, int attempt, String namespace, String dataset, Map<String, String> params) {
        try {
            Optional<LoadSpec> spec = catalog.loadSpec(namespace, dataset);
            if (spec.isEmpty()) {
                engine.onFailed(taskRunId, attempt, "there is no registered dataset '" + dataset + "' with a source "
                        + "in namespace '" + namespace + "' (deleted since the pipeline was saved?)", false)
                        .ifPresent(engine::promote);
                return;
            }
            engine.requestIngest(taskRunId, attempt, spec.get(), params).ifPresent(engine::promote);
        } catch (CatalogClient.Unavailable e) {
            engine.onFailed(taskRunId, attempt, "the load spec of dataset " + namespace + "." + dataset + " could not"
                    + " be read: " + e.getMessage(), true).ifPresent(engine::promote);
        } catch (RuntimeException e) {
            LOG.warnf(e, "the load spec of %s.%s could not be requested", namespace, dataset);
            engine.onFailed(taskRunId, attempt, "the scheduler could not request the load of dataset " + namespace
                    + "." + dataset + ": " + e.getClass().getSimpleName(), true).ifPresent(engine::promote);
        }
    }
}
