package dev.strata.ingest.messaging;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.IngestRequested;
import dev.strata.events.LoadSpec;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.TaskLogged;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.events.Topics;
import dev.strata.ingest.IngestTestSupport;

/** Load requests from the scheduler over Kafka: loaded once however often delivered; results as events. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class IngestRequestListenerTest {

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;
    final EventCodec codec = new EventCodec();

    @BeforeEach
    void setUp() {
        it = new IngestTestSupport(stack);
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private void send(KafkaProducer<String, byte[]> producer, EventEnvelope<IngestRequested> envelope)
            throws Exception {
        producer.send(new ProducerRecord<>(Topics.TASKS_INGEST, envelope.subject(), codec.encode(envelope))).get();
    }

    private static EventEnvelope<IngestRequested> request(UUID taskRunId, UUID runId, int attempt, String name,
            String spec) {
        return EventEnvelope.of("/strata/scheduler", taskRunId.toString(), new IngestRequested(taskRunId, runId,
                "sales", name, attempt, Map.of("spec", spec)));
    }

    /**
     * Every event on {@code topic} whose subject is one of {@code subjects}, read from the start: at least
     * {@code atLeast}, and what else arrives within 2 s after them.
     */
    private List<StrataEvent> events(String topic, List<String> subjects, int atLeast) {
        return events(topic, subjects, found -> found.size() >= atLeast);
    }

    /**
     * Every event on {@code topic} whose subject is one of {@code subjects}, read from the start until {@code seen}
     * holds for them, and what else arrives within 2 s after that.
     */
    private List<StrataEvent> events(String topic, List<String> subjects, Predicate<List<StrataEvent>> seen) {
        List<StrataEvent> found = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records(topic, subjects, records -> seen.test(records.stream()
                .map(r -> (StrataEvent) codec.decode(r.value()).data()).toList()), Duration.ofSeconds(2))) {
            found.add(codec.decode(record.value()).data());
        }
        return found;
    }

    private JsonPath awaitRun(UUID id) {
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            int status = io.restassured.RestAssured.given().auth().oauth2(it.adminToken()).get("/api/v1/loads/" + id)
                    .statusCode();
            return status == 200;
        });
        return it.await(id.toString());
    }

    /** A load spec that appends {@code csv}, served over HTTP on loopback, to sales.{@code name}. */
    private static String appendFromHttp(String name, String csv) {
        String url = serve("/" + name + "/t.csv", csv);
        return "{\"namespace\":\"sales\",\"name\":\"" + name + "\",\"source\":{\"kind\":\"http\",\"url\":\"" + url
                + "\"},\"loadMode\":\"append\"}";
    }

    @Test
    void aTypedSpecAsTheSchedulerSendsItForARegisteredDatasetLoadsTheRows() throws Exception {
        // what the scheduler sends for "ingest: {dataset: ...}" in namespace sales-eu: the registry's spec, typed
        String name = unique("typed");
        String url = serve("/" + name + "/orders.csv", "order_id,amount\n1,9.00\n2,12.00\n");
        LoadSpec spec = LoadSpec.readStrict(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"namespace":"sales-eu","name":"%s","source":{"kind":"http","url":"%s"},"format":{"type":"csv"}}"""
                .formatted(name, url)));
        UUID taskRunId = UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, EventEnvelope.of("/strata/scheduler", taskRunId.toString(), new IngestRequested(taskRunId,
                    UUID.randomUUID(), "sales-eu", name, 1, Map.of("logical_date", "2026-12-07"), "sales-eu",
                    spec)));
            JsonPath run = awaitRun(taskRunId);
            assertEquals("succeeded", run.getString("status"), run::prettify);
        }
        assertEquals(2, it.count("SELECT count(*) FROM sales_eu__raw." + name));
        assertEquals(21, it.count("SELECT sum(amount)::bigint FROM sales_eu__raw." + name));
    }

    @Test
    void aRequestDeliveredTwiceLoadsOnceAndReportsThroughTheOutbox() throws Exception {
        String name = unique("task");
        String spec = appendFromHttp(name, "id,v\n1,a\n2,b\n3,c\n");
        UUID taskRunId = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        EventEnvelope<IngestRequested> request = request(taskRunId, runId, 1, name, spec);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, request);
            send(producer, request); // the same event again (a redelivery)
            JsonPath run = awaitRun(taskRunId);
            assertEquals("succeeded", run.getString("status"), run::prettify);
            // the scheduler sends the same task again as a new event: still the same load
            send(producer, request(taskRunId, runId, 1, name, spec));
        }
        List<StrataEvent> taskEvents = events(Topics.TASK_EVENTS, List.of(taskRunId.toString()), 2);
        List<StrataEvent> datasetEvents = events(Topics.DATASET_EVENTS, List.of("sales." + name), 1);
        assertEquals(3, it.count("SELECT count(*) FROM sales__raw." + name), "loaded exactly once");
        assertEquals(1, taskEvents.stream().filter(TaskStarted.class::isInstance).count(), taskEvents::toString);
        TaskSucceeded succeeded = (TaskSucceeded) taskEvents.stream().filter(TaskSucceeded.class::isInstance)
                .findFirst().orElseThrow();
        assertEquals(3, succeeded.rows());
        assertEquals(1, taskEvents.stream().filter(TaskSucceeded.class::isInstance).count());
        assertEquals(1, datasetEvents.size(), datasetEvents::toString);
        DatasetUpdated updated = (DatasetUpdated) datasetEvents.get(0);
        assertEquals(taskRunId, updated.loadId());
        assertEquals(runId, updated.producedByRun());
        assertEquals(3, updated.rowCount());
        assertEquals("s3://strata-lake/ns/sales/raw/" + name + "/" + taskRunId + "/", updated.rawLocation());
        assertEquals("id", updated.columns().get(0).name());
        assertEquals("integer", updated.columns().get(0).type());
    }

    @Test
    void aLoadReportsInTheTraceOfTheRequestThatAskedForIt() throws Exception {
        String name = unique("traced");
        String spec = appendFromHttp(name, "id\n1\n2\n");
        UUID taskRunId = UUID.randomUUID();
        EventEnvelope<IngestRequested> request = request(taskRunId, UUID.randomUUID(), 1, name, spec);
        String traceId = "5af7183fb1d4cf5f" + Long.toHexString(System.nanoTime() | (1L << 60));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.TASKS_INGEST, request.subject(),
                codec.encode(request));
        record.headers().add("traceparent", ("00-" + traceId + "-b7ad6b7169203331-01").getBytes(UTF_8));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(record).get();
        }
        assertEquals("succeeded", awaitRun(taskRunId).getString("status"));

        List<ConsumerRecord<String, byte[]>> reports = records(Topics.TASK_EVENTS, List.of(taskRunId.toString()),
                found -> found.stream().anyMatch(r -> codec.decode(r.value()).data() instanceof TaskSucceeded),
                Duration.ZERO);
        reports.addAll(records(Topics.DATASET_EVENTS, List.of("sales." + name), found -> !found.isEmpty(),
                Duration.ZERO));
        // heartbeats (if the load outlasted an interval) are in the trace as well, but not counted here
        assertEquals(3, reports.stream().filter(r -> !(codec.decode(r.value()).data() instanceof TaskHeartbeated))
                .count(), "started, succeeded and the dataset's new version");
        for (ConsumerRecord<String, byte[]> report : reports) {
            var header = report.headers().lastHeader("traceparent");
            assertTrue(header != null, codec.decode(report.value()).type() + " carries no trace context");
            assertEquals(traceId, new String(header.value(), UTF_8).substring(3, 35),
                    codec.decode(report.value()).type() + " is in the request's trace");
        }
    }

    /**
     * A load that lasts several heartbeat intervals (1 s in tests; its source is served over 5 s) tells the scheduler
     * it is alive: TaskHeartbeated for its task run and attempt while it runs, none dated after its outcome, and none
     * sent after it, however long one waits.
     */
    @Test
    void aLongLoadHeartbeatsWhileItRunsAndStopsWhenItEnds() throws Exception {
        String name = unique("slow");
        HttpServer source = serveSlowly(10, Duration.ofMillis(500));
        String spec = "{\"namespace\":\"sales\",\"name\":\"" + name + "\",\"source\":{\"kind\":\"http\",\"url\":"
                + "\"http://127.0.0.1:" + source.getAddress().getPort() + "/" + name
                + ".csv\"},\"loadMode\":\"append\"}";
        UUID taskRunId = UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, request(taskRunId, UUID.randomUUID(), 3, name, spec));
        }
        JsonPath run = awaitRun(taskRunId);
        assertEquals("succeeded", run.getString("status"), run::prettify);
        source.stop(0);
        assertEquals(10, it.count("SELECT count(*) FROM sales__raw." + name));
        Thread.sleep(3_000); // three intervals more: a heartbeat that did not stop would be on the topic by now

        List<EventEnvelope<?>> events = allOnTopic(Topics.TASK_EVENTS, taskRunId.toString());
        EventEnvelope<?> started = events.stream().filter(e -> e.data() instanceof TaskStarted).findFirst()
                .orElseThrow(() -> new AssertionError("no TaskStarted in " + events));
        EventEnvelope<?> succeeded = events.stream().filter(e -> e.data() instanceof TaskSucceeded).findFirst()
                .orElseThrow(() -> new AssertionError("no TaskSucceeded in " + events));
        List<EventEnvelope<?>> heartbeats = events.stream().filter(e -> e.data() instanceof TaskHeartbeated).toList();
        // about one per second of a 5 s load; fewer would let a short scheduler timeout presume it dead
        assertTrue(heartbeats.size() >= 3, heartbeats.size() + " heartbeats: " + events);
        for (EventEnvelope<?> e : heartbeats) {
            TaskHeartbeated hb = (TaskHeartbeated) e.data();
            assertEquals(taskRunId, hb.taskRunId());
            assertEquals(3, hb.attempt(), "the heartbeat names the running attempt");
            assertEquals(((TaskStarted) started.data()).worker(), hb.worker());
            assertTrue(e.time().isAfter(started.time()) && e.time().isBefore(succeeded.time()),
                    "heartbeat at " + e.time() + " is not between the start at " + started.time()
                            + " and the success at " + succeeded.time());
        }
    }

    /**
     * A load's log while it runs and after: from a source that trickles its body over 5 s, the "opening source" line
     * is on {@code strata.events.tasklog} before the load ended (readable through the scheduler while it runs), and
     * afterwards every line of the attempt in order, with the rows copied and the total.
     */
    @Test
    void aLoadWritesItsTaskLogWhileItRuns() throws Exception {
        String name = unique("logged");
        HttpServer source = serveSlowly(10, Duration.ofMillis(500));
        String url = "http://127.0.0.1:" + source.getAddress().getPort() + "/" + name + ".csv";
        String spec = "{\"namespace\":\"sales\",\"name\":\"" + name + "\",\"source\":{\"kind\":\"http\",\"url\":"
                + "\"" + url + "\"},\"loadMode\":\"append\"}";
        UUID taskRunId = UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, request(taskRunId, UUID.randomUUID(), 2, name, spec));
        }
        // while the source trickles: the first lines are there, the outcome is not
        List<TaskLogged.Line> early = events(Topics.TASK_LOGS, List.of(taskRunId.toString()),
                found -> found.stream().flatMap(e -> ((TaskLogged) e).lines().stream())
                        .anyMatch(l -> l.text().startsWith("opening source")))
                .stream()
                .flatMap(e -> ((TaskLogged) e).lines().stream()).toList();
        assertTrue(allOnTopic(Topics.TASK_EVENTS, taskRunId.toString()).stream()
                .noneMatch(e -> e.data() instanceof TaskSucceeded), "the load is still running");
        assertTrue(early.stream().anyMatch(l -> l.text().equals("opening source: http " + url)), early::toString);

        JsonPath run = awaitRun(taskRunId);
        assertEquals("succeeded", run.getString("status"), run::prettify);
        source.stop(0);
        List<EventEnvelope<?>> logged = allOnTopic(Topics.TASK_LOGS, taskRunId.toString());
        List<TaskLogged.Line> lines = logged.stream().flatMap(e -> ((TaskLogged) e.data()).lines().stream())
                .toList();
        logged.forEach(e -> assertEquals(2, ((TaskLogged) e.data()).attempt(), "the attempt that ran"));
        assertEquals(java.util.stream.LongStream.rangeClosed(1, lines.size()).boxed().toList(),
                lines.stream().map(TaskLogged.Line::seq).toList(), "every line once, in order");
        List<String> texts = lines.stream().map(TaskLogged.Line::text).toList();
        assertTrue(texts.get(0).startsWith("load ") && texts.get(0).contains("sales." + name), texts::toString);
        assertTrue(texts.stream().anyMatch(t -> t.matches("source read: 1 file\\(s\\), \\d+ bytes in \\d+ ms")),
                texts::toString);
        assertTrue(texts.stream().anyMatch(t -> t.contains(": 10 rows copied into sales__raw." + name)),
                texts::toString);
        assertTrue(texts.get(texts.size() - 1).startsWith("loaded 10 rows,"), texts::toString);
    }

    /** A loopback server that answers any path with {@code rows} rows of CSV, one every {@code pause}, chunked. */
    private static HttpServer serveSlowly(int rows, Duration pause) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("id\n".getBytes(UTF_8));
                for (int i = 1; i <= rows; i++) {
                    body.flush();
                    Thread.sleep(pause.toMillis());
                    body.write((i + "\n").getBytes(UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }

    /** Every event on {@code topic} with key {@code key}, from the start to the topic's end as it is now. */
    private List<EventEnvelope<?>> allOnTopic(String topic, String key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        List<EventEnvelope<?>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(Instant.now().isBefore(deadline), "the topic was not read to its end within a minute");
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        found.add(codec.decode(r.value()));
                    }
                }
            }
        }
        return found;
    }

    /**
     * The records on {@code topic} whose key is one of {@code subjects}, read from the start: waits (up to a minute)
     * until {@code seen} holds for them, then takes what else arrives within {@code more}.
     */
    private List<ConsumerRecord<String, byte[]>> records(String topic, List<String> subjects,
            Predicate<List<ConsumerRecord<String, byte[]>>> seen, Duration more) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant end = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(end) && !seen.test(found)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (subjects.contains(r.key())) {
                        found.add(r);
                    }
                }
            }
            if (!more.isZero()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(more)) {
                    if (subjects.contains(r.key())) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void anUnusableRequestFailsTheTaskAndALaterAttemptRunsAgain() throws Exception {
        String name = unique("retry");
        UUID taskRunId = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        String missing = serve("/" + name + "/later.csv", "id\n1\n").replace("later.csv", "missing.csv");
        String bad = "{\"namespace\":\"sales\",\"name\":\"" + name + "\",\"source\":{\"kind\":\"http\",\"url\":\""
                + missing + "\"}}";
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, request(taskRunId, runId, 1, name, bad));
            JsonPath first = awaitRun(taskRunId);
            assertEquals("failed", first.getString("status"));
            assertTrue(first.getString("error").endsWith("/" + name + "/missing.csv answered HTTP 404"),
                    first::prettify);
            send(producer, request(taskRunId, runId, 2, name, bad.replace("missing.csv", "later.csv")));
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> "succeeded".equals(it.await(
                    taskRunId.toString()).getString("status")));
            UUID noSpec = UUID.randomUUID();
            producer.send(new ProducerRecord<>(Topics.TASKS_INGEST, noSpec.toString(), codec.encode(EventEnvelope.of(
                    "/strata/scheduler", noSpec.toString(), new IngestRequested(noSpec, runId, "sales", name, 1,
                            Map.of())))))
                    .get();
            JsonPath rejected = awaitRun(noSpec);
            assertEquals("the request has no load spec (spec, or params.spec from an older scheduler)",
                    rejected.getString("error"));
            List<StrataEvent> failed = events(Topics.TASK_EVENTS, List.of(noSpec.toString()), 1);
            assertEquals("the request has no load spec (spec, or params.spec from an older scheduler)",
                    ((TaskFailed) failed.get(0))
                            .error());
        }
        assertEquals(1, it.count("SELECT count(*) FROM sales__raw." + name));
        // Attempt 2's TaskSucceeded is the task's last event: the outbox publishes in order and the task's events
        // share its key (one partition), so once it is read every event the task sent before it has been too.
        List<StrataEvent> taskEvents = events(Topics.TASK_EVENTS, List.of(taskRunId.toString()),
                found -> found.stream().anyMatch(TaskSucceeded.class::isInstance));
        assertEquals(1, taskEvents.stream().filter(TaskFailed.class::isInstance).count(), taskEvents::toString);
        assertEquals(1, taskEvents.stream().filter(TaskSucceeded.class::isInstance).count(), taskEvents::toString);
        // each attempt reports its start (the second once shared the first one's event id and was dropped)
        assertEquals(List.of(1, 2), taskEvents.stream().filter(TaskStarted.class::isInstance)
                .map(e -> ((TaskStarted) e).attempt()).toList(), taskEvents::toString);
        // and its end, so the scheduler can tell a late report of attempt 1 from attempt 2's
        assertEquals(List.of(1), taskEvents.stream().filter(TaskFailed.class::isInstance)
                .map(e -> ((TaskFailed) e).attempt()).toList(), taskEvents::toString);
        assertEquals(List.of(2), taskEvents.stream().filter(TaskSucceeded.class::isInstance)
                .map(e -> ((TaskSucceeded) e).attempt()).toList(), taskEvents::toString);
    }

    /**
     * Issue 21: a retry of a task whose load has not failed was silently dropped, and the run waited for the task's
     * timeout with the data already loaded. Now the retried attempt adopts the load's success.
     */
    @Test
    void aRetryOfATaskWhoseLoadSucceededReportsThatSuccessForTheNewAttempt() throws Exception {
        String name = unique("adopt");
        String spec = appendFromHttp(name, "id,v\n1,a\n2,b\n");
        UUID taskRunId = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, request(taskRunId, runId, 1, name, spec));
            assertEquals("succeeded", awaitRun(taskRunId).getString("status"));
            // the scheduler presumed attempt 1 lost (its success came late) and retries
            send(producer, request(taskRunId, runId, 2, name, spec));
        }
        List<StrataEvent> taskEvents = events(Topics.TASK_EVENTS, List.of(taskRunId.toString()),
                found -> found.stream().anyMatch(e -> e instanceof TaskSucceeded s && s.attempt() == 2));
        assertEquals(List.of(1, 2), taskEvents.stream().filter(TaskSucceeded.class::isInstance)
                .map(e -> ((TaskSucceeded) e).attempt()).toList(), taskEvents::toString);
        TaskSucceeded adopted = (TaskSucceeded) taskEvents.stream()
                .filter(e -> e instanceof TaskSucceeded s && s.attempt() == 2).findFirst().orElseThrow();
        assertEquals(2, adopted.rows(), "the first attempt's result");
        assertEquals(2, it.count("SELECT count(*) FROM sales__raw." + name), "loaded once");
        assertEquals(2, it.await(taskRunId.toString()).getInt("attempt"));
    }
}
