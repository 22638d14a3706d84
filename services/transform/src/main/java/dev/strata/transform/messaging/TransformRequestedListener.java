package dev.strata.transform.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskFailed;
import dev.strata.events.Topics;
import dev.strata.events.TransformRequested;
import dev.strata.outbox.IdempotentConsumer;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.Tracing;
import dev.strata.outbox.quarkus.Outbox;
import dev.strata.transform.build.Build;
import dev.strata.transform.build.BuildRepository;
import dev.strata.transform.build.BuildService;
import dev.strata.transform.build.BuildWorker;
import dev.strata.transform.config.TransformConfig;
import dev.strata.transform.version.ProjectVersion;

/**
 * Takes {@code TransformRequested} tasks from {@code strata.tasks.transform} and queues them as builds, once per event
 * id (a redelivery is dropped). A task naming no known project version fails at once with a {@code TaskFailed}
 * (not retryable). Offsets are committed after the build is queued, so a crash re-reads the task and the
 * idempotent consumer drops it if it was queued.
 */
@ApplicationScoped
public class TransformRequestedListener {

    static final String CONSUMER = "transform.tasks";
    private static final Logger LOG = Logger.getLogger(TransformRequestedListener.class);
    private static final EventCodec CODEC = new EventCodec();

    @Inject
    TransformConfig config;
    @Inject
    AgroalDataSource db;
    @Inject
    BuildRepository builds;
    @Inject
    BuildService service;
    @Inject
    BuildWorker worker;
    @Inject
    Outbox outbox;
    @Inject
    MeterRegistry meters;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final IdempotentConsumer idempotent = new IdempotentConsumer();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    void onStart(@Observes StartupEvent event) {
        if (!config.consumeTasks()) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "strata-transform-tasks");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void loop() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer()); KafkaClientMetrics lag = new KafkaClientMetrics(c)) {
                lag.bindTo(meters); // consumer lag for the pipelines dashboard
                consumer = c;
                c.subscribe(List.of(Topics.TASKS_TRANSFORM));
                while (running) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<String, byte[]> record : records) {
                        // the build is queued in the request's trace (and runs in it: see BuildWorker)
                        try (Tracing.Resumed trace = Tracing.resume(record.headers())) {
                            handle(record.value());
                        }
                    }
                    if (!records.isEmpty()) {
                        c.commitSync();
                        worker.wakeUp();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("transform task consumer restarts after: %s", e.getMessage());
                sleep();
            }
        }
    }

    void handle(byte[] value) {
        EventEnvelope<TransformRequested> event;
        try {
            event = CODEC.decode(value, TransformRequested.class);
        } catch (IllegalArgumentException e) {
            LOG.warnf("dropped a record on %s that is not a TransformRequested: %s", Topics.TASKS_TRANSFORM,
                    e.getMessage());
            return;
        }
        TransformRequested task = event.data();
        ProjectVersion version = service.resolve(task.namespace(), task.projectVersion());
        for (int attempt = 0;; attempt++) {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                try {
                    idempotent.processOnce(c, CONSUMER, event.id(), tx -> {
                        if (version == null) {
                            outbox.append(tx, OutboxMessage.of(EventEnvelope.of("/strata/transform",
                                    task.taskRunId().toString(), new TaskFailed(task.taskRunId(), task.runId(),
                                            "project version '" + task.projectVersion() + "' does not exist in"
                                                    + " namespace '" + task.namespace() + "'",
                                            false, 0, task.attempt())),
                                    CODEC));
                            return;
                        }
                        Map<String, Object> vars = Map.copyOf(task.vars());
                        String selector = task.selector().strip();
                        builds.insert(tx, new Build(UUID.randomUUID(), task.namespace(), version.project(),
                                version.id(), selector.equals("*") ? "" : selector, "", vars, false, "queued", null,
                                task.taskRunId(), task.runId(), task.attempt(), "task:" + task.taskRunId(),
                                Instant.now(), null, null, null));
                    });
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
                outbox.wakeUp();
                return;
            } catch (SQLException e) {
                if (attempt >= 5) {
                    throw new IllegalStateException("task " + task.taskRunId() + " cannot be queued: "
                            + e.getMessage(), e);
                }
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
