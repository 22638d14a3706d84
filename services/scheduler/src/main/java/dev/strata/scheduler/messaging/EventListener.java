package dev.strata.scheduler.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;
import dev.strata.outbox.Tracing;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunEngine.PipelineKey;

/**
 * Consumes what workers report ({@code strata.events.task}) and dataset changes ({@code strata.events.dataset}) on
 * one thread, tuned for latency: a task's success is turned into its downstream tasks' dispatch within milliseconds.
 * Offsets are committed after the events were handled; a failed event is retried from its offset.
 */
@ApplicationScoped
public class EventListener {

    private static final Logger LOG = Logger.getLogger(EventListener.class);

    private final SchedulerConfig config;
    private final EventHandler handler;
    private final RunEngine engine;
    private final EventCodec codec = new EventCodec();
    private final Optional<String> bootstrapServers;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;
    private ExecutorService workers;
    private final MeterRegistry meters;

    EventListener(SchedulerConfig config, EventHandler handler, RunEngine engine,
            @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrapServers, MeterRegistry meters) {
        this.meters = meters;
        this.config = config;
        this.handler = handler;
        this.engine = engine;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes StartupEvent event) {
        if (bootstrapServers.isEmpty()) {
            LOG.warn("kafka.bootstrap.servers is not set: the scheduler consumes no task events");
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.putAll(config.consumer());
        consumer = new KafkaConsumer<>(props);
        new KafkaClientMetrics(consumer).bindTo(meters); // consumer lag for the pipelines dashboard
        consumer.subscribe(List.of(Topics.TASK_EVENTS, Topics.DATASET_EVENTS));
        running = true;
        workers = Executors.newFixedThreadPool(config.listenerThreads(), r -> {
            Thread t = new Thread(r, "scheduler-event-handler");
            t.setDaemon(true);
            return t;
        });
        thread = new Thread(this::loop, "scheduler-event-listener");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        KafkaConsumer<String, byte[]> c = consumer;
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                // partitions in parallel (events of one task run share a partition, so their order holds; runs are
                // serialized by their row lock), records of one partition in order
                Map<TopicPartition, Future<Long>> results = new HashMap<>();
                for (TopicPartition partition : records.partitions()) {
                    List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
                    results.put(partition, workers.submit(() -> handleInOrder(batch)));
                }
                for (Map.Entry<TopicPartition, Future<Long>> result : results.entrySet()) {
                    long retryFrom = waitFor(result.getValue());
                    if (retryFrom >= 0) {
                        c.seek(result.getKey(), retryFrom);
                    }
                }
                c.commitAsync();
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.error("the scheduler's event listener stopped", e);
        } finally {
            try {
                c.commitSync(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                // best effort: uncommitted events are handled again, once (processed_event)
            }
            c.close(Duration.ofSeconds(2));
            workers.shutdownNow();
        }
    }

    /** Handles the records in order; answers the offset to retry from, or -1 when all were handled. */
    private long handleInOrder(List<ConsumerRecord<String, byte[]>> batch) {
        for (ConsumerRecord<String, byte[]> record : batch) {
            if (!handle(record)) {
                return record.offset();
            }
        }
        return -1;
    }

    private static long waitFor(Future<Long> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Handles one record; false when it must be retried (the database failed). */
    private boolean handle(ConsumerRecord<String, byte[]> record) {
        EventEnvelope<?> event;
        try {
            event = codec.decode(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping an unreadable event at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return true;
        }
        // what the event leads to (the next tasks' requests) continues the trace of the work that sent it
        try (Tracing.Resumed trace = Tracing.resume(record.headers())) {
            for (PipelineKey key : handler.handle(event)) {
                engine.promote(key);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("handling event %s (%s) failed, retrying: %s", event.id(), event.type(), e.getMessage());
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
