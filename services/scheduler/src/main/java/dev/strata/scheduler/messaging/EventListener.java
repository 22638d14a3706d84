package dev.strata.scheduler.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.events.Topics;
import dev.strata.outbox.Tracing;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunEngine.PipelineKey;

/**
 * Consumes what workers report ({@code strata.events.task}) and dataset changes ({@code strata.events.dataset}) on
 * one thread, tuned for latency: a task's success is turned into its downstream tasks' dispatch within milliseconds.
 * Offsets of handled events are committed at most once per {@code strata.scheduler.commit-interval} (and when
 * partitions are revoked, and at shutdown); a failed event is retried from its offset.
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
    /** Events polled and not handled yet: their positions must not be committed (listener thread only). */
    private boolean midBatch;
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
        consumer.subscribe(List.of(Topics.TASK_EVENTS, Topics.DATASET_EVENTS), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // called within poll: unless in the middle of a batch (the start linger's poll), every event polled
                // before was handled, and the replica that takes these partitions starts after them instead of
                // reading again what came since the last commit
                if (!midBatch) {
                    commitHandled(partitions);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // nothing to do: positions come from the committed offsets
            }
        });
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
        long commitEvery = config.commitInterval().toNanos();
        long committed = System.nanoTime();
        boolean uncommitted = false;
        try {
            while (running) {
                // the positions are those of the events handled so far: commit them when the interval is over
                long sinceCommit = System.nanoTime() - committed;
                if (uncommitted && sinceCommit >= commitEvery) {
                    c.commitAsync();
                    committed = System.nanoTime();
                    uncommitted = false;
                }
                ConsumerRecords<String, byte[]> records = c.poll(uncommitted
                        ? Duration.ofNanos(Math.max(commitEvery - sinceCommit, 1_000_000))
                        : Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                midBatch = true;
                Map<TopicPartition, List<Item>> polled = new LinkedHashMap<>();
                add(polled, records);
                if (onlyStarts(polled) && !config.startLinger().isZero()) {
                    // a quick task's success is on its way: handle the start with it
                    add(polled, c.poll(config.startLinger()));
                }
                // partitions in parallel (events of one task run share a partition, so their order holds; runs are
                // serialized by their row lock), records of one partition in order. The first partition is handled
                // on this thread: with one busy partition, no hand-off to another thread delays the event.
                List<TopicPartition> partitions = new ArrayList<>(polled.keySet());
                Map<TopicPartition, Future<Long>> results = new HashMap<>();
                for (TopicPartition partition : partitions.subList(1, partitions.size())) {
                    List<Item> batch = polled.get(partition);
                    results.put(partition, workers.submit(() -> handleInOrder(batch)));
                }
                long retryFrom = handleInOrder(polled.get(partitions.get(0)));
                if (retryFrom >= 0) {
                    c.seek(partitions.get(0), retryFrom);
                }
                for (Map.Entry<TopicPartition, Future<Long>> result : results.entrySet()) {
                    retryFrom = waitFor(result.getValue());
                    if (retryFrom >= 0) {
                        c.seek(result.getKey(), retryFrom);
                    }
                }
                midBatch = false;
                uncommitted = true;
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.error("the scheduler's event listener stopped", e);
        } finally {
            try {
                if (!midBatch) { // stopped within a batch (its linger poll): its events were not all handled
                    c.commitSync(Duration.ofSeconds(2));
                }
            } catch (RuntimeException e) {
                // best effort: uncommitted events are handled again, once (processed_event)
            }
            c.close(Duration.ofSeconds(2));
            workers.shutdownNow();
        }
    }

    private void commitHandled(Collection<TopicPartition> partitions) {
        KafkaConsumer<String, byte[]> c = consumer;
        if (partitions.isEmpty() || c == null) {
            return;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition partition : partitions) {
                offsets.put(partition, new OffsetAndMetadata(c.position(partition)));
            }
            c.commitSync(offsets, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            // best effort: the next owner reads those events again, and they change nothing
            LOG.debugf("committing revoked partitions failed: %s", e.getMessage());
        }
    }

    /** A decoded event and the record it came in. */
    private record Item(ConsumerRecord<String, byte[]> record, EventEnvelope<?> event) {
    }

    /**
     * Handles the records of one partition: the events of one run in one transaction (a task's start and success that
     * came in one poll commit once), runs in the order they first appear, the events of a run in offset order. Answers
     * the offset to retry from, or -1 when all were handled. A retry re-reads events already handled after that
     * offset; their marks in {@code processed_event} skip them.
     */
    private long handleInOrder(List<Item> batch) {
        Map<Object, List<Item>> groups = new LinkedHashMap<>();
        Map<UUID, UUID> runOfTask = new HashMap<>();
        for (Item item : batch) {
            if (item.event() != null) {
                groups.computeIfAbsent(groupOf(item.event(), runOfTask), k -> new ArrayList<>()).add(item);
            }
        }
        List<List<Item>> ordered = new ArrayList<>(groups.values());
        for (int i = 0; i < ordered.size(); i++) {
            if (!handle(ordered.get(i))) {
                return ordered.subList(i, ordered.size()).stream().flatMap(List::stream)
                        .mapToLong(item -> item.record().offset()).min().orElseThrow();
            }
        }
        return -1;
    }

    /** Decodes the records (an unreadable one becomes an item without event) and adds them per partition. */
    private void add(Map<TopicPartition, List<Item>> polled, ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            List<Item> items = polled.computeIfAbsent(partition, p -> new ArrayList<>());
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                items.add(new Item(record, decode(record)));
            }
        }
    }

    private static boolean onlyStarts(Map<TopicPartition, List<Item>> polled) {
        return polled.values().stream().flatMap(List::stream)
                .allMatch(item -> item.event() != null && item.event().data() instanceof TaskStarted);
    }

    /** The run a task event is about (its transaction locks that run), or the event itself. */
    private static Object groupOf(EventEnvelope<?> event, Map<UUID, UUID> runOfTask) {
        Object data = event.data();
        if (data instanceof TaskStarted s) {
            runOfTask.put(s.taskRunId(), s.runId());
            return s.runId();
        } else if (data instanceof TaskSucceeded s) {
            runOfTask.put(s.taskRunId(), s.runId());
            return s.runId();
        } else if (data instanceof TaskFailed f) {
            runOfTask.put(f.taskRunId(), f.runId());
            return f.runId();
        } else if (data instanceof TaskHeartbeated h) {
            return runOfTask.getOrDefault(h.taskRunId(), h.taskRunId());
        }
        return event.id(); // a dataset event: a transaction of its own
    }

    private EventEnvelope<?> decode(ConsumerRecord<String, byte[]> record) {
        try {
            return codec.decode(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping an unreadable event at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return null;
        }
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

    /** Handles the events of one group in one transaction; false when they must be retried (the database failed). */
    private boolean handle(List<Item> group) {
        List<EventEnvelope<?>> events = group.stream().<EventEnvelope<?>>map(Item::event).toList();
        try {
            List<PipelineKey> keys;
            // what the events lead to (the next tasks' requests) continues the trace of the latest work that sent one
            try (Tracing.Resumed trace = Tracing.resume(group.get(group.size() - 1).record().headers())) {
                keys = handler.handleAll(events);
            }
            for (PipelineKey key : keys) {
                engine.promote(key);
            }
            return true;
        } catch (RuntimeException e) {
            EventEnvelope<?> first = events.get(0);
            LOG.warnf("handling %d event(s) from %s (%s) failed, retrying: %s", events.size(), first.id(),
                    first.type(), e.getMessage());
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
