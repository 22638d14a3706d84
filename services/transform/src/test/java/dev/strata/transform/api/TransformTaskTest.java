package dev.strata.transform.api;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.QualityTestFailed;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskHeartbeated;
import dev.strata.events.TaskLogged;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.events.Topics;
import dev.strata.events.TransformRequested;
import dev.strata.transform.Archives;

/**
 * Work from Kafka: a TransformRequested builds the models; task, dataset and quality events come back, in the trace of
 * the request.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class TransformTaskTest {

    static final EventCodec CODEC = new EventCodec();

    @InjectDevStack
    DevStack stack;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    @Test
    void taskBuildsModelsAndReportsThroughEvents() {
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of("tasks", "engineer"));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: taskshop\nmodels:\n  taskshop:\n    +materialized: table\n");
        files.put("models/task_orders.sql", "select g as order_id, 'open' as status from generate_series(1, 5) g");
        files.put("models/schema.yml", """
                version: 2
                models:
                  - name: task_orders
                    columns:
                      - name: status
                        tests:
                          - accepted_values: {values: [paid], severity: warn}
                """);
        String versionId = given().auth().oauth2(token).contentType("application/zip").body(Archives.zip("", files))
                .post("/api/v1/projects/tasks").then().statusCode(201).extract().jsonPath().getString("id");

        UUID taskRunId = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        EventEnvelope<TransformRequested> request = EventEnvelope.of("/strata/scheduler", taskRunId.toString(),
                new TransformRequested(taskRunId, runId, "tasks", versionId, "task_orders", Map.of(), 2));
        send(request);
        send(request); // a redelivery: dropped by event id

        List<EventEnvelope<? extends StrataEvent>> taskEvents = read(Topics.TASK_EVENTS,
                e -> e.subject().equals(taskRunId.toString()) && !(e.data() instanceof TaskHeartbeated),
                e -> e.data() instanceof TaskSucceeded);
        assertTrue(taskEvents.get(0).data() instanceof TaskStarted, taskEvents.toString());
        TaskSucceeded done = (TaskSucceeded) taskEvents.get(taskEvents.size() - 1).data();
        assertEquals(runId, done.runId());
        // the request was the task's second attempt: both reports say so (the scheduler drops other attempts' reports)
        assertEquals(2, ((TaskStarted) taskEvents.get(0).data()).attempt());
        assertEquals(2, done.attempt());
        assertEquals(5, done.rows());
        assertEquals("1", done.outputs().get("models"));
        assertEquals(1, given().auth().oauth2(token).get("/api/v1/builds").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.taskRunId == '" + taskRunId + "' }").size(),
                "the redelivered task was dropped, not built twice");

        DatasetUpdated updated = (DatasetUpdated) read(Topics.DATASET_EVENTS, e -> e.subject().equals(
                "tasks.task_orders") && e.data() instanceof DatasetUpdated d && runId.equals(d.producedByRun()),
                e -> true).get(0).data();
        assertEquals(5, updated.rowCount());
        assertEquals("postgresql://warehouse/tasks__silver.task_orders", updated.rawLocation());
        assertEquals(List.of("order_id", "status"), updated.columns().stream().map(c -> c.name()).toList());
        assertEquals("integer", updated.columns().get(0).type());

        QualityTestFailed failed = (QualityTestFailed) read(Topics.QUALITY_EVENTS,
                e -> e.data() instanceof QualityTestFailed q && runId.equals(q.runId()), e -> true).get(0).data();
        assertEquals("task_orders", failed.dataset());
        assertEquals("warn", failed.severity());
        assertEquals(5, failed.failingRows());

        // the task's log (read through the scheduler's API): each model's compiled SQL, timings, test results
        List<TaskLogged> logged = read(Topics.TASK_LOGS, e -> e.subject().equals(taskRunId.toString()),
                e -> ((TaskLogged) e.data()).lines().stream().anyMatch(l -> l.text().startsWith("build succeeded")))
                .stream().map(e -> (TaskLogged) e.data()).toList();
        logged.forEach(l -> assertEquals(2, l.attempt(), "the attempt that ran"));
        List<String> log = logged.stream().flatMap(l -> l.lines().stream()).map(TaskLogged.Line::text).toList();
        assertTrue(log.stream().anyMatch(t -> t.startsWith("compiled SQL of ") && t.contains("task_orders")
                && t.contains("generate_series(1, 5)")), log::toString);
        assertTrue(log.stream().anyMatch(t -> t.matches("model \\S*task_orders: success in \\d+ ms, 5 rows")),
                log::toString);
        assertTrue(log.stream().anyMatch(t -> t.startsWith("test ") && t.contains("accepted_values")
                && t.contains(": warn in")), log::toString);
    }

    @Test
    void aBuildReportsInTheTraceOfTheRequestThatQueuedIt() {
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of("tasks", "engineer"));
        String versionId = given().auth().oauth2(token).contentType("application/zip")
                .body(Archives.zip("", Map.of("dbt_project.yml", "name: tracedshop\n",
                        "models/traced_orders.sql", "select 1 as order_id")))
                .post("/api/v1/projects/tasks").then().statusCode(201).extract().jsonPath().getString("id");
        UUID taskRunId = UUID.randomUUID();
        String traceId = "5af7183fb1d4cf5f" + Long.toHexString(System.nanoTime() | (1L << 60));
        ProducerRecord<String, byte[]> request = record(EventEnvelope.of("/strata/scheduler", taskRunId.toString(),
                new TransformRequested(taskRunId, UUID.randomUUID(), "tasks", versionId, "", Map.of(), 1)));
        request.headers().add("traceparent", ("00-" + traceId + "-b7ad6b7169203331-01").getBytes(UTF_8));
        send(request);

        List<ConsumerRecord<String, byte[]>> reports = records(Topics.TASK_EVENTS,
                e -> e.subject().equals(taskRunId.toString()), e -> e.data() instanceof TaskSucceeded);
        // heartbeats (if the build outlasted an interval) are in the trace as well, but not listed here
        assertEquals(List.of("TaskStarted", "TaskSucceeded"), reports.stream()
                .map(r -> CODEC.decode(r.value()).data().getClass().getSimpleName())
                .filter(type -> !type.equals("TaskHeartbeated")).toList());
        for (ConsumerRecord<String, byte[]> report : reports) {
            String type = CODEC.decode(report.value()).data().getClass().getSimpleName();
            Header traceparent = report.headers().lastHeader("traceparent");
            assertNotNull(traceparent, type + " carries no trace context");
            assertEquals(traceId, new String(traceparent.value(), UTF_8).substring(3, 35),
                    type + " is in the trace of the request that queued the build");
        }
    }

    /**
     * A build that lasts several heartbeat intervals (1 s in tests; its model sleeps 5 s in the warehouse) tells the
     * scheduler it is alive: TaskHeartbeated for its task run and attempt while it runs, none dated after its outcome,
     * and none sent after it.
     */
    @Test
    void aLongBuildHeartbeatsWhileItRunsAndStopsWhenItEnds() throws InterruptedException {
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of("tasks", "engineer"));
        // a table, so the build runs the query (a view would not sleep)
        String versionId = given().auth().oauth2(token).contentType("application/zip")
                .body(Archives.zip("",
                        Map.of("dbt_project.yml", "name: slowshop\nmodels:\n  slowshop:\n    +materialized: table\n",
                                "models/slow_orders.sql", "select 1 as order_id from pg_sleep(5)")))
                .post("/api/v1/projects/tasks").then().statusCode(201).extract().jsonPath().getString("id");
        UUID taskRunId = UUID.randomUUID();
        send(EventEnvelope.of("/strata/scheduler", taskRunId.toString(), new TransformRequested(taskRunId,
                UUID.randomUUID(), "tasks", versionId, "slow_orders", Map.of(), 2)));
        read(Topics.TASK_EVENTS, e -> e.subject().equals(taskRunId.toString()), e -> e.data() instanceof TaskSucceeded);
        Thread.sleep(3_000); // three intervals more: a heartbeat that did not stop would be on the topic by now

        List<EventEnvelope<? extends StrataEvent>> events = allOnTopic(Topics.TASK_EVENTS, taskRunId.toString());
        EventEnvelope<?> started = events.stream().filter(e -> e.data() instanceof TaskStarted).findFirst()
                .orElseThrow(() -> new AssertionError("no TaskStarted in " + events));
        EventEnvelope<?> succeeded = events.stream().filter(e -> e.data() instanceof TaskSucceeded).findFirst()
                .orElseThrow(() -> new AssertionError("no TaskSucceeded in " + events));
        List<EventEnvelope<? extends StrataEvent>> heartbeats = events.stream()
                .filter(e -> e.data() instanceof TaskHeartbeated).toList();
        // about one per second of a 5 s build; fewer would let a short scheduler timeout presume it dead
        assertTrue(heartbeats.size() >= 3, heartbeats.size() + " heartbeats: " + events);
        for (EventEnvelope<?> e : heartbeats) {
            TaskHeartbeated hb = (TaskHeartbeated) e.data();
            assertEquals(taskRunId, hb.taskRunId());
            assertEquals(2, hb.attempt(), "the heartbeat names the running attempt");
            assertEquals(((TaskStarted) started.data()).worker(), hb.worker());
            assertTrue(e.time().isAfter(started.time()) && e.time().isBefore(succeeded.time()),
                    "heartbeat at " + e.time() + " is not between the start at " + started.time()
                            + " and the success at " + succeeded.time());
        }
    }

    /** Every event on {@code topic} with key {@code key}, from the start to the topic's end as it is now. */
    private List<EventEnvelope<? extends StrataEvent>> allOnTopic(String topic, String key) {
        List<EventEnvelope<? extends StrataEvent>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(Instant.now().isBefore(deadline), "the topic was not read to its end within a minute");
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        found.add(CODEC.decode(r.value()));
                    }
                }
            }
        }
        return found;
    }

    @Test
    void taskForAnUnknownVersionFailsWithoutRetry() {
        UUID taskRunId = UUID.randomUUID();
        send(EventEnvelope.of("/strata/scheduler", taskRunId.toString(), new TransformRequested(taskRunId,
                UUID.randomUUID(), "tasks", "no_such_project@7", "", Map.of(), 3)));
        TaskFailed failed = (TaskFailed) read(Topics.TASK_EVENTS, e -> e.subject().equals(taskRunId.toString()),
                e -> e.data() instanceof TaskFailed).get(0).data();
        assertFalse(failed.retryable());
        assertEquals(3, failed.attempt());
        assertTrue(failed.error().contains("'no_such_project@7' does not exist in namespace 'tasks'"),
                failed.error());
    }

    private void send(EventEnvelope<TransformRequested> event) {
        send(record(event));
    }

    private static ProducerRecord<String, byte[]> record(EventEnvelope<TransformRequested> event) {
        return new ProducerRecord<>(Topics.TASKS_TRANSFORM, event.partitionKey(), CODEC.encode(event));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record);
            producer.flush();
        }
    }

    /** The matching events of a topic, read from its start until {@code last} matched one of them. */
    private List<EventEnvelope<? extends StrataEvent>> read(String topic,
            Predicate<EventEnvelope<? extends StrataEvent>> matching,
            Predicate<EventEnvelope<? extends StrataEvent>> last) {
        List<EventEnvelope<? extends StrataEvent>> found = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records(topic, matching, last)) {
            found.add(CODEC.decode(r.value()));
        }
        return found;
    }

    /** The records of the matching events of a topic (with their headers), read as {@link #read} does. */
    private List<ConsumerRecord<String, byte[]>> records(String topic,
            Predicate<EventEnvelope<? extends StrataEvent>> matching,
            Predicate<EventEnvelope<? extends StrataEvent>> last) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            boolean complete = false;
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    EventEnvelope<? extends StrataEvent> e = CODEC.decode(r.value());
                    if (matching.test(e)) {
                        found.add(r);
                        complete |= last.test(e);
                    }
                }
                if (complete) {
                    // a little more: anything sent after it (a duplicate) would be in the same or the next poll
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                        EventEnvelope<? extends StrataEvent> e = CODEC.decode(r.value());
                        if (matching.test(e)) {
                            found.add(r);
                        }
                    }
                    return found;
                }
            }
        }
        throw new AssertionError("no matching event on " + topic + "; saw " + found.stream()
                .map(r -> CODEC.decode(r.value())).toList());
    }
}
