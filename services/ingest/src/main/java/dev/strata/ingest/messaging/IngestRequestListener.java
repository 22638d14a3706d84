package dev.strata.ingest.messaging;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.IngestRequested;
import dev.strata.events.LoadSpec;
import dev.strata.events.StrataEvent;
import dev.strata.events.Topics;
import dev.strata.ingest.config.IngestConfig;
import dev.strata.ingest.run.LoadEvents;
import dev.strata.ingest.run.LoadRunRepository;
import dev.strata.ingest.run.LoadWorker;
import dev.strata.ingest.spec.LoadSpecCheck;
import dev.strata.ingest.spec.SourceLocations;
import dev.strata.outbox.IdempotentConsumer;
import dev.strata.outbox.Tracing;
import dev.strata.outbox.quarkus.Outbox;

/**
 * Takes {@link IngestRequested} from {@code strata.tasks.ingest} in a consumer group and queues each as a load run
 * (load id = task run id), in one transaction with the idempotent-consumer mark; the offset is committed after that
 * transaction. A request with an unusable spec, a spec for a namespace other than the pipeline's, or a source outside
 * the namespace's locations is answered with {@code TaskFailed} at once (and audited as {@code load.refused}).
 */
@ApplicationScoped
public class IngestRequestListener {

    static final String CONSUMER = "ingest.task-requests";
    private static final Logger LOG = Logger.getLogger(IngestRequestListener.class);

    @Inject
    IngestConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @Inject
    AgroalDataSource metadata;
    @Inject
    LoadRunRepository runs;
    @Inject
    LoadEvents events;
    @Inject
    LoadWorker worker;
    @Inject
    Outbox outbox;
    @Inject
    MeterRegistry meters;
    @Inject
    ObjectMapper json;
    @Inject
    SourceLocations locations;

    private final EventCodec codec = new EventCodec();
    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopping;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        if (!config.consumer().enabled()) {
            return;
        }
        thread = new Thread(this::run, "ingest-requests");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void run() {
        while (!stopping) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumer().group());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer()); KafkaClientMetrics lag = new KafkaClientMetrics(c)) {
                lag.bindTo(meters); // consumer lag for the pipelines dashboard
                consumer = c;
                c.subscribe(List.of(Topics.TASKS_INGEST));
                while (!stopping) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofSeconds(1));
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> record : records) {
                        handle(record);
                    }
                    c.commitSync();
                    worker.wakeUp();
                    outbox.wakeUp();
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("ingest request consumer failed (%s); reconnecting", e.getMessage());
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    void handle(ConsumerRecord<String, byte[]> record) {
        EventEnvelope<? extends StrataEvent> envelope;
        try {
            envelope = codec.decode(record.value());
        } catch (RuntimeException e) {
            LOG.warnf("skipping an unreadable record at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (!(envelope.data() instanceof IngestRequested request)) {
            return;
        }
        UUID eventId = envelope.id();
        try (Tracing.Resumed trace = Tracing.resume(record.headers()); Connection c = metadata.getConnection()) {
            c.setAutoCommit(false);
            idempotent.processOnce(c, CONSUMER, eventId, tx -> queue(tx, request));
            c.commit();
        } catch (java.sql.SQLException e) {
            // the offset is not committed: the request comes again
            throw new IllegalStateException("cannot queue ingest request " + eventId + ": " + e.getMessage(), e);
        }
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
        runs.insertTask(tx, request.taskRunId(), request.runId(), Math.max(1, request.attempt()), spec.namespace(),
                spec.name(), stored);
    }
}
