package dev.strata.scheduler.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.EventCodec;
import dev.strata.events.TaskLogged;
import dev.strata.events.Topics;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.log.TaskLogStore;

/**
 * Consumes task log lines ({@code strata.events.tasklog}) into {@code task_log}, in a consumer group of its own
 * ({@code <consumer-group>-logs}) so that log traffic never delays the task events. Each poll is one insert; a line
 * already kept (same task run, attempt and seq) is skipped, so a redelivered batch changes nothing. Offsets are
 * committed after the insert; a failed insert is retried from the same offsets, and dropped after five tries.
 */
@ApplicationScoped
public class TaskLogListener {

    private static final Logger LOG = Logger.getLogger(TaskLogListener.class);
    /** Tries of one batch before it is dropped. */
    private static final int MAX_TRIES = 5;

    private final SchedulerConfig config;
    private final TaskLogStore store;
    private final Optional<String> bootstrapServers;
    private final EventCodec codec = new EventCodec();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    TaskLogListener(SchedulerConfig config, TaskLogStore store,
            @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrapServers) {
        this.config = config;
        this.store = store;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes StartupEvent event) {
        if (bootstrapServers.isEmpty()) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup() + "-logs");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.putAll(config.consumer());
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(Topics.TASK_LOGS));
        running = true;
        thread = new Thread(this::loop, "scheduler-task-log-listener");
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
        int failures = 0;
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                List<TaskLogged> batch = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        batch.add(codec.decode(record.value(), TaskLogged.class).data());
                    } catch (IllegalArgumentException e) {
                        LOG.warnf("skipping an unreadable task log event at %s-%d@%d: %s", record.topic(),
                                record.partition(), record.offset(), e.getMessage());
                    }
                }
                try {
                    store.keep(batch);
                    c.commitSync();
                    failures = 0;
                } catch (RuntimeException e) {
                    if (++failures >= MAX_TRIES) { // log lines are not worth a stuck partition
                        LOG.errorf("dropping %d task log event(s) after %d failed tries: %s", batch.size(), failures,
                                e.getMessage());
                        c.commitSync();
                        failures = 0;
                        continue;
                    }
                    LOG.warnf("keeping %d task log event(s) failed, retrying: %s", batch.size(), e.getMessage());
                    records.partitions().forEach(p -> c.seek(p, records.records(p).get(0).offset()));
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the scheduler's task log listener stopped", e);
        } finally {
            c.close();
        }
    }
}
