package dev.strata.scheduler;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunRecords;

/**
 * The scheduler benchmark (bench/scheduler/run.sh), not a test: skipped unless {@code -Dstrata.bench=true}. The
 * scheduler runs in this JVM against the real dev stack; the no-op {@link TestWorker} answers on the real Kafka.
 * Writes {@code target/bench-scheduler.properties}.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "strata.bench", matches = "true")
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class SchedulerBench extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Inject
    RunEngine engine;

    @Override
    protected DevStack stack() {
        return stack;
    }

    @Test
    void bench() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        worker();
        // 0. warm-up, not measured: the fan-out load below for strata.bench.warmup-seconds, so that what is measured
        // next runs compiled (the scheduler's JIT, the broker's, Postgres's plan and buffer caches), as it does in a
        // scheduler that has been up for a while; Kafka's own latency is measured after it too
        StringBuilder wide = new StringBuilder("namespace: sales\nid: wide20\nconcurrency: {limit: 1000}\ntasks:\n");
        wide.append(ingest("root", "ok_root", ""));
        for (int i = 1; i < 20; i++) {
            wide.append(ingest("c" + i, "ok_child_" + i, "    depends_on: [root]\n"));
        }
        submitOk(wide.toString());
        int runsPerSecond = Integer.getInteger("strata.bench.runs-per-second", 5);
        fanOut(Integer.getInteger("strata.bench.warmup-seconds", 20), runsPerSecond);

        // 1. Kafka's own end-to-end latency, warm: one record at a time, producer linger 0, consumer fetch wait 5 ms
        List<Double> kafka = kafkaEndToEnd(300);
        out.put("kafka.e2e.p50_ms", fmt(pct(kafka, 50)));
        out.put("kafka.e2e.p99_ms", fmt(pct(kafka, 99)));

        // 2. a 40-task chain of no-op tasks
        StringBuilder chain = new StringBuilder("namespace: sales\nid: chain40\nconcurrency: {limit: 100}\ntasks:\n");
        for (int i = 0; i < 40; i++) {
            chain.append(ingest("t" + i, "ok_chain_" + i, i == 0 ? "" : "    depends_on: [t" + (i - 1) + "]\n"));
        }
        submitOk(chain.toString());
        int rounds = Integer.getInteger("strata.bench.rounds", 7);
        List<Double> walls = new ArrayList<>();
        List<Double> handoffs = new ArrayList<>();
        for (int r = 0; r < rounds + 1; r++) {
            Instant t0 = Instant.now();
            var run = engine.trigger("sales", "chain40", "manual", Map.of(), null, null);
            // the end as the scheduler recorded it (same clock), looked for every 50 ms: the benchmark's own polling
            // must not load the database and the JVM it measures (a 2 ms poll made ~500 queries a second)
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !"running".equals(engine.run(run.id()).orElseThrow().state()));
            RunRecords.RunRow ended = engine.run(run.id()).orElseThrow();
            if (!"succeeded".equals(ended.state())) {
                throw new AssertionError("bench run did not succeed");
            }
            if (r == 0) {
                continue; // warm-up
            }
            walls.add(Duration.between(t0, ended.finishedAt()).toNanos() / 1e9);
            Map<String, TestWorker.Request> byTask = worker().requestsOf(run.id()).stream()
                    .collect(Collectors.toMap(TestWorker.Request::behaviour, x -> x, (a, b) -> a));
            for (int i = 1; i < 40; i++) {
                TestWorker.Request up = byTask.get("ok_chain_" + (i - 1));
                TestWorker.Request down = byTask.get("ok_chain_" + i);
                long succeeded = worker().succeededNanos().get(up.taskRunId());
                handoffs.add((down.receivedNanos() - succeeded) / 1e6);
            }
        }
        out.put("chain40.wall_s.median", fmt3(pct(walls, 50)));
        out.put("chain40.rounds", Integer.toString(rounds));
        out.put("handoff.p50_ms", fmt(pct(handoffs, 50)));
        out.put("handoff.p99_ms", fmt(pct(handoffs, 99)));
        out.put("handoff.samples", Integer.toString(handoffs.size()));

        // 3. sustained dispatch: runs of the fan-out pipeline started at a fixed rate
        FanOut load = fanOut(Integer.getInteger("strata.bench.seconds", 30), runsPerSecond);
        out.put("dispatch.total", Integer.toString(load.dispatches()));
        out.put("dispatch.per_min", fmt(load.perMinute()));
        out.put("dispatch.p50_ms", fmt(pct(load.latencies(), 50)));
        out.put("dispatch.p99_ms", fmt(pct(load.latencies(), 99)));
        out.put("dispatch.offered_per_min", Integer.toString(runsPerSecond * 20 * 60));

        String text = out.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(Path.of("target", "bench-scheduler.properties"), text);
        System.out.println("BENCH RESULTS\n" + text);
    }

    /** What a fan-out load measured: dispatches, their rate, and ready → received by the worker per dispatch. */
    private record FanOut(int dispatches, double perMinute, List<Double> latencies) {
    }

    /**
     * Starts runs of the fan-out pipeline {@code bench.wide20} (1 root, 19 children) at a fixed rate for {@code seconds}
     * and waits for them to end.
     */
    private FanOut fanOut(int seconds, int runsPerSecond) throws Exception {
        List<UUID> runs = new ArrayList<>();
        Map<UUID, Long> triggeredNanos = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < seconds * runsPerSecond; i++) {
            long due = start + (long) (i * 1e9 / runsPerSecond);
            while (System.nanoTime() < due) {
                Thread.sleep(1);
            }
            long at = System.nanoTime();
            UUID id = engine.trigger("sales", "wide20", "manual", Map.of(), null, null).id();
            runs.add(id);
            triggeredNanos.put(id, at);
        }
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(50))
                .until(() -> runs.stream().allMatch(id -> !"running".equals(engine.run(id).orElseThrow().state())));
        List<Double> latencies = new ArrayList<>();
        long last = 0;
        int dispatches = 0;
        for (UUID id : runs) {
            List<TestWorker.Request> requests = worker().requestsOf(id);
            TestWorker.Request root = requests.stream().filter(x -> x.behaviour().equals("ok_root")).findFirst()
                    .orElseThrow();
            latencies.add((root.receivedNanos() - triggeredNanos.get(id)) / 1e6);
            long rootDone = worker().succeededNanos().get(root.taskRunId());
            for (TestWorker.Request x : requests) {
                dispatches++;
                last = Math.max(last, x.receivedNanos());
                if (!x.behaviour().equals("ok_root")) {
                    latencies.add((x.receivedNanos() - rootDone) / 1e6);
                }
            }
        }
        return new FanOut(dispatches, dispatches / ((last - start) / 60e9), latencies);
    }

    private List<Double> kafkaEndToEnd(int n) throws Exception {
        String topic = "strata.bench.latency." + UUID.randomUUID().toString().substring(0, 8);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<Double> out = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            producer.send(new ProducerRecord<>(topic, "warm", new byte[1])).get();
            consumer.subscribe(List.of(topic));
            while (consumer.poll(Duration.ofMillis(100)).isEmpty()) {
                // join and read the warm-up record
            }
            // the first n round trips warm up the clients and the broker (as the chain's first run warms up the
            // scheduler), the next n are measured
            for (int i = 0; i < 2 * n; i++) {
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, "k", new byte[400]));
                boolean got = false;
                while (!got) {
                    for (ConsumerRecord<String, byte[]> ignored : consumer.poll(Duration.ofMillis(100))) {
                        got = true;
                    }
                }
                if (i >= n) {
                    out.add((System.nanoTime() - sent) / 1e6);
                }
            }
        }
        return out;
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static String fmt3(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
