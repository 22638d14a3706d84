package dev.strata.ingest.messaging;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventEnvelope;
import dev.strata.events.IngestRequested;
import dev.strata.events.LoadSpec;
import dev.strata.events.Topics;
import dev.strata.ingest.config.IngestConfig;
import dev.strata.ingest.run.LoadEvents;
import dev.strata.ingest.run.LoadRunRepository;
import dev.strata.ingest.run.LoadWorker;
import dev.strata.ingest.spec.LoadSpecCheck;
import dev.strata.ingest.spec.SourceLocations;
import dev.strata.outbox.quarkus.EventConsumers;

/**
 * Takes {@link IngestRequested} from {@code strata.tasks.ingest} in a consumer group and queues each as a load run
 * (load id = task run id), in one transaction with the event's processed mark; the consumer loop, its commit, retry
 * and dead-letter policy are libs/outbox's {@link EventConsumers}. A request with an unusable spec, a spec for a
 * namespace other than the pipeline's, or a source outside the namespace's locations is answered with
 * {@code TaskFailed} at once (and audited as {@code load.refused}).
 */
@ApplicationScoped
public class IngestRequestListener implements EventConsumers.Handler {

    static final String CONSUMER = "ingest.task-requests";

    @Inject
    IngestConfig config;
    @Inject
    EventConsumers consumers;
    @Inject
    LoadRunRepository runs;
    @Inject
    LoadEvents events;
    @Inject
    LoadWorker worker;
    @Inject
    ObjectMapper json;
    @Inject
    SourceLocations locations;

    void start(@Observes StartupEvent event) {
        if (config.consumer().enabled()) {
            consumers.start(consumers.settings(CONSUMER, config.consumer().group(), List.of(Topics.TASKS_INGEST))
                    .withProperties(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100)), this);
        }
    }

    @Override
    public boolean accepts(EventEnvelope<?> event) {
        return event.data() instanceof IngestRequested;
    }

    @Override
    public Runnable handle(EventEnvelope<?> event, Connection tx) throws java.sql.SQLException {
        queue(tx, (IngestRequested) event.data());
        return worker::wakeUp;
    }

    private void queue(Connection tx, IngestRequested request) throws java.sql.SQLException {
        String specJson = request.params().get("spec");
        String problem = null;
        LoadSpec spec = request.spec();
        if (spec == null && specJson == null) {
            problem = "the request has no load spec (spec, or params.spec from an older scheduler)";
        } else {
            try {
                if (spec == null) {
                    spec = LoadSpec.readLenient(specJson); // a scheduler older than IngestRequested.spec
                }
                List<String> problems = LoadSpecCheck.problems(spec);
                if (!problems.isEmpty()) {
                    problem = "the load spec is not usable: " + String.join("; ", problems);
                } else if (request.pipelineNamespace() != null
                        && !request.pipelineNamespace().equals(spec.namespace())) {
                    // a pipeline's tasks load only into its own namespace
                    problem = "the load spec is for namespace '" + spec.namespace() + "' but the pipeline is in "
                            + "namespace '" + request.pipelineNamespace() + "': a pipeline's ingest tasks load only "
                            + "into its own namespace";
                } else if (!locations.problems(spec).isEmpty()) {
                    problem = "the load spec is not usable: " + String.join("; ", locations.problems(spec));
                } else if (!spec.namespace().equals(request.namespace()) || !spec.name().equals(request.dataset())) {
                    problem = "the load spec is for " + spec.qualifiedName() + " but the task is for "
                            + request.namespace() + "." + request.dataset();
                }
            } catch (Exception e) {
                problem = "params.spec is not a load spec in JSON";
            }
        }
        if (problem != null) {
            // recorded in the pipeline's namespace when the request names it: never as a run of another namespace
            String namespace = request.pipelineNamespace() != null
                    ? request.pipelineNamespace()
                    : request.namespace();
            runs.insertFailedTask(tx, request.taskRunId(), request.runId(), request.attempt(), namespace,
                    request.dataset(), problem);
            events.failedRequest(tx, request.taskRunId(), request.runId(), request.attempt(), problem);
            events.refusedRequest(tx, request.taskRunId(), request.runId(), request.attempt(), request.namespace(),
                    request.dataset(), namespace, problem);
            return;
        }
        String stored;
        try {
            stored = json.writeValueAsString(spec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int attempt = Math.max(1, request.attempt());
        if (!runs.insertTask(tx, request.taskRunId(), request.runId(), attempt, spec.namespace(), spec.name(),
                stored)) {
            // a retry of a task whose load has not failed: the load becomes this attempt's (a running one reports
            // for it when it ends; a finished one reports its success for it now) instead of being dropped
            Optional<LoadRunRepository.Adopted> adopted = runs.adopt(tx, request.taskRunId(), attempt);
            if (adopted.isPresent() && adopted.get().status().equals("succeeded")) {
                events.succeededAgain(tx, request.taskRunId(), request.runId(), attempt, adopted.get());
            }
        }
    }
}
