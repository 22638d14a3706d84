package dev.strata.scheduler;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.IngestRequested;
import dev.strata.events.LoadSpec;
import dev.strata.events.NotificationRequested;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.events.Topics;
import dev.strata.events.TransformRequested;

/**
 * A peer worker for the scheduler's tests: consumes {@code strata.tasks.ingest} and {@code strata.tasks.transform}
 * on the real Kafka and answers with real task events on {@code strata.events.task}, as the ingest and transform
 * workers do. What it does depends on the dataset name (ingest) or selector (transform):
 * {@code ok*} succeeds; {@code fail*} fails every attempt; {@code flaky*} fails the first attempt only;
 * {@code hang*} starts and then says nothing (a dead worker); {@code dieonce*} starts and says nothing on attempt 1,
 * succeeds on later ones; {@code busy*} starts and heartbeats until the test ends; {@code silent*} only records the
 * request (the test sends the task events itself). It also stands in for the notifier: a {@code notify} task's
 * {@code NotificationRequested} is answered with TaskStarted and TaskSucceeded, or, for a channel whose name starts
 * with {@code missing}, TaskFailed "channel 'x' does not exist in namespace 'y'" (as the notifier reports it).
 */
public final class TestWorker implements AutoCloseable {

    /** One task request the worker received. */
    public record Request(UUID taskRunId, UUID runId, String behaviour, int attempt, Map<String, String> params,
            long receivedNanos) {
    }

    private final EventCodec codec = new EventCodec();
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<UUID, Long> succeededNanos = new ConcurrentHashMap<>();
    private final Map<UUID, LoadSpec> specs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    private final Thread thread;
    private volatile boolean running = true;

    public TestWorker(String bootstrapServers) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-worker-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        consumer.subscribe(List.of(Topics.TASKS_INGEST, Topics.TASKS_TRANSFORM, Topics.RUN_EVENTS));
        // join the group before any test publishes, so "latest" misses nothing
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumer.assignment().isEmpty() && System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(100));
        }
        consumer.assignment().forEach(consumer::position);
        thread = new Thread(this::loop, "test-worker");
        thread.setDaemon(true);
        thread.start();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The typed load spec an ingest request carried, if any. */
    public LoadSpec spec(UUID taskRunId) {
        return specs.get(taskRunId);
    }

    public List<Request> requestsOf(UUID runId) {
        return requests.stream().filter(r -> r.runId().equals(runId)).toList();
    }

    /** When this worker sent TaskSucceeded for a task run (System.nanoTime), for the benchmark's hand-off latency. */
    public Map<UUID, Long> succeededNanos() {
        return succeededNanos;
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    long received = System.nanoTime();
                    EventEnvelope<?> event = codec.decode(record.value());
                    if (event.data() instanceof IngestRequested r) {
                        if (r.spec() != null) {
                            specs.put(r.taskRunId(), r.spec());
                        }
                        handle(new Request(r.taskRunId(), r.runId(), r.dataset(), r.attempt(), r.params(), received));
                    } else if (event.data() instanceof TransformRequested r) {
                        handle(new Request(r.taskRunId(), r.runId(), r.selector(), r.attempt(), r.vars(), received));
                    } else if (event.data() instanceof NotificationRequested n && n.taskRunId() != null) {
                        notify(n);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    private void handle(Request r) {
        requests.add(r);
        UUID id = r.taskRunId();
        String b = r.behaviour();
        if (b.startsWith("silent")) {
            return; // the test reports for this task itself
        }
        send(id, new TaskStarted(id, r.runId(), "test-worker", r.attempt()));
        if (b.startsWith("ok") || (b.startsWith("flaky") && r.attempt() > 1)
                || (b.startsWith("dieonce") && r.attempt() > 1)) {
            succeededNanos.put(id, System.nanoTime());
            send(id, new TaskSucceeded(id, r.runId(), 10, 100, 1, Map.of("by", "test-worker"), r.attempt()));
        } else if (b.startsWith("fail") || b.startsWith("flaky")) {
            send(id, new TaskFailed(id, r.runId(), "test failure of attempt " + r.attempt(), true, 1, r.attempt()));
        } else if (b.startsWith("busy")) {
            heartbeats.scheduleWithFixedDelay(() -> send(id, new TaskHeartbeated(id, "test-worker", r.attempt())), 200,
                    200,
                    TimeUnit.MILLISECONDS);
        }
        // hang / dieonce attempt 1: silence
    }

    /** As the notifier reports a notify task (attempt 0: the request does not say which). */
    private void notify(NotificationRequested n) {
        UUID id = n.taskRunId();
        send(id, new TaskStarted(id, n.runId(), "notifier", 0));
        if (n.channel().startsWith("missing")) {
            send(id, new TaskFailed(id, n.runId(), "channel '" + n.channel() + "' does not exist in namespace '"
                    + n.namespace() + "'", false, 0, 0));
        } else {
            send(id, new TaskSucceeded(id, n.runId(), 0, 0, 0, Map.of("channel", n.channel()), 0));
        }
    }

    private void send(UUID taskRunId, StrataEvent event) {
        EventEnvelope<?> envelope = EventEnvelope.of("/strata/test-worker", taskRunId.toString(), event);
        producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, envelope.partitionKey(), codec.encode(envelope)));
    }

    /** Publishes the events back to back (one burst, as a worker reporting a quick task does), then waits for Kafka. */
    public void publishAll(List<EventEnvelope<?>> envelopes) {
        for (EventEnvelope<?> envelope : envelopes) {
            producer.send(new ProducerRecord<>(Topics.forEvent(envelope.data()), envelope.partitionKey(),
                    codec.encode(envelope)));
        }
        producer.flush();
    }

    /** Publishes any event to its topic (e.g. a DatasetUpdated for data triggers). */
    public void publish(EventEnvelope<?> envelope) throws Exception {
        producer.send(new ProducerRecord<>(Topics.forEvent(envelope.data()), envelope.partitionKey(),
                codec.encode(envelope))).get();
    }

    @Override
    public void close() {
        running = false;
        heartbeats.shutdownNow();
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // short timeouts: at JVM exit the broker may be gone already, and the defaults (30 s for the consumer to leave
        // its group, no limit for the producer) would hold the exit that long
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        producer.close(Duration.ofSeconds(1));
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
