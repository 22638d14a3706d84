package dev.strata.transform.lineage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.strata.events.DatasetColumn;
import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.config.TransformConfig;
import dev.strata.transform.run.NodeResult;

/**
 * Sends the OpenLineage run events of the models a build runs ({@link OpenLineageEvents}) to
 * {@code strata.transform.openlineage.url}: START when a model starts, COMPLETE or FAIL when it ends; a skipped model
 * never ran and sends nothing. Events are POSTed by one background thread, in the order they happened, each with
 * {@code timeout}: a build never waits for the endpoint and never fails because of it. A refused or unanswered event
 * is counted in {@code strata_transform_openlineage_failures_total} and the first one of each build logged.
 */
@ApplicationScoped
public class OpenLineageEmitter {

    /** Events waiting to be sent at most; more (an endpoint far slower than the builds) are dropped and counted. */
    static final int QUEUE = 10_000;
    private static final Logger LOG = Logger.getLogger(OpenLineageEmitter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TransformConfig.OpenLineage config;
    private final Counter failures;
    private final URI url;
    private final HttpClient http;
    private final ThreadPoolExecutor sender;

    OpenLineageEmitter(TransformConfig config, MeterRegistry registry) {
        this.config = config.openlineage();
        this.failures = Counter.builder("strata.transform.openlineage.failures")
                .description("OpenLineage run events the endpoint did not accept (refused, unreachable, timed out)")
                .register(registry);
        this.url = this.config.url().filter(u -> !u.isBlank()).map(URI::create).orElse(null);
        if (url == null) {
            http = null;
            sender = null;
            return;
        }
        http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
        sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "strata-transform-openlineage");
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        if (sender != null) {
            sender.shutdownNow();
        }
    }

    /** Whether events are sent. */
    public boolean enabled() {
        return url != null;
    }

    /**
     * The model runs of one build; told by the build's runner as models start and end.
     *
     * @param namespace the Strata namespace the build's project is in: its jobs are in the OpenLineage namespace
     *                  {@code <strata.transform.openlineage.namespace>/<namespace>}
     * @param columns   the columns of a model's relation after it was built (looked up on the sending thread)
     */
    public BuildRuns build(UUID buildId, String namespace, CompiledProject project,
            Function<CompiledModel, List<DatasetColumn>> columns) {
        return new BuildRuns(buildId, config.namespace() + "/" + namespace, project, columns);
    }

    /** The events of one build's model runs. */
    public final class BuildRuns {

        private final UUID buildId;
        private final String jobNamespace;
        private final CompiledProject project;
        private final Function<CompiledModel, List<DatasetColumn>> columns;
        private final Set<String> started = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean warned = new AtomicBoolean();

        private BuildRuns(UUID buildId, String jobNamespace, CompiledProject project,
                Function<CompiledModel, List<DatasetColumn>> columns) {
            this.buildId = buildId;
            this.jobNamespace = jobNamespace;
            this.project = project;
            this.columns = columns;
        }

        /** A model or seed started: START. */
        public void started(CompiledModel model) {
            if (!enabled()) {
                return;
            }
            Instant at = Instant.now();
            started.add(model.name());
            send(() -> OpenLineageEvents.start(run(model), at));
        }

        /** A step ended: COMPLETE or FAIL for a model or seed that started; nothing for anything else. */
        public void finished(NodeResult result) {
            if (!enabled() || !started.remove(result.node())) {
                return;
            }
            Instant at = Instant.now();
            CompiledModel model = project.model(result.node());
            if (model == null) {
                return;
            }
            if (result.ok()) {
                send(() -> OpenLineageEvents.complete(run(model), at, columns.apply(model)));
            } else {
                send(() -> OpenLineageEvents.fail(run(model), at, result.error()));
            }
        }

        private OpenLineageEvents.ModelRun run(CompiledModel m) {
            return new OpenLineageEvents.ModelRun(jobNamespace, config.datasetNamespace(),
                    project.project().name() + "." + m.name(), OpenLineageEvents.runId(buildId, m.name()),
                    ColumnLineage.ofRelations(project, m), m.schema() + "." + m.identifier());
        }

        private void send(Supplier<ObjectNode> event) {
            try {
                sender.execute(() -> post(event));
            } catch (RejectedExecutionException e) {
                failed("its queue is full (" + QUEUE + " events waiting)");
            }
        }

        private void post(Supplier<ObjectNode> event) {
            try {
                HttpRequest request = HttpRequest.newBuilder(url).timeout(config.timeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(event.get()))).build();
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 300) {
                    failed("it answered " + status);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failed("it is not reachable (" + (e.getMessage() == null
                        ? e.getClass().getSimpleName()
                        : e.getMessage()) + ")");
            }
        }

        private void failed(String why) {
            failures.increment();
            if (warned.compareAndSet(false, true)) {
                LOG.warnf("OpenLineage events of build %s are not delivered to %s: %s; the build goes on (further"
                        + " failures of this build only count in strata_transform_openlineage_failures_total)",
                        buildId, shown(url), why);
            }
        }
    }

    /** The endpoint without user info or query (where credentials could be). */
    static String shown(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
