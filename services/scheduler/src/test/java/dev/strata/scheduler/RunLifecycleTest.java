package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.NotificationRequested;
import dev.strata.events.RunFailed;
import dev.strata.events.RunSlaMissed;
import dev.strata.events.RunSucceeded;
import dev.strata.events.RunTransitioned;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.events.Topics;
import dev.strata.outbox.TaskHeartbeats;
import dev.strata.scheduler.config.SchedulerConfig;

/**
 * Runs through the real Kafka: the scheduler dispatches on the task topics, the {@link TestWorker} peer answers with
 * task events, the scheduler's listener advances the DAG.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class RunLifecycleTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Inject
    SchedulerConfig config;

    @Override
    protected DevStack stack() {
        return stack;
    }

    @Test
    void aRunComesWithItsDagLaidOutLeftToRightWithoutOverlapsAndOnlyForItsNamespace() {
        submitOk("""
                namespace: sales
                id: diamond_layout
                tasks:
                """ + ingest("extract", "ok_layout_extract", "")
                + ingest("clean", "ok_layout_clean", "    depends_on: [extract]\n")
                + ingest("enrich", "ok_layout_enrich", "    depends_on: [extract]\n")
                + ingest("publish", "ok_layout_publish", "    depends_on: [clean, enrich]\n"));
        UUID runId = trigger("sales", "diamond_layout", Map.of());

        Map<String, Map<String, Float>> layout = run(runId).getMap("layout");
        assertEquals(List.of("extract", "clean", "enrich", "publish"), new ArrayList<>(layout.keySet()));
        float extract = layout.get("extract").get("x");
        float clean = layout.get("clean").get("x");
        // left to right: each task in a layer after the tasks it depends on, the two middle tasks side by side
        assertTrue(extract < clean, "extract before clean: " + layout);
        assertEquals(clean, layout.get("enrich").get("x"), "clean and enrich in one layer: " + layout);
        assertTrue(clean < layout.get("publish").get("x"), "publish after both: " + layout);
        List<String> ids = List.copyOf(layout.keySet());
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                Map<String, Float> a = layout.get(ids.get(i));
                Map<String, Float> b = layout.get(ids.get(j));
                boolean apart = Math.abs(a.get("x") - b.get("x")) >= 180 || Math.abs(a.get("y") - b.get("y")) >= 44;
                assertTrue(apart, ids.get(i) + " and " + ids.get(j) + " overlap as 180 x 44 nodes: " + layout);
            }
        }

        String hrViewer = new IssuerClient(stack.auth()).tokenFor(Map.of("hr", "viewer"));
        given().auth().oauth2(hrViewer).get("/api/v1/runs/" + runId).then().statusCode(404)
                .body(org.hamcrest.Matchers.not(containsString("extract")));
    }

    @Test
    void aThreeTaskChainRunsThroughKafkaAndEveryTransitionIsAnEvent() throws Exception {
        worker();
        submitOk("""
                namespace: sales
                id: chain3
                tasks:
                """ + ingest("load", "ok_orders", "") + """
                  - id: build
                    type: transform
                    depends_on: [load]
                    inputs: {project_version: "2026.11.25-1", selector: ok_orders_daily, vars: {region: eu}}
                  - id: tell
                    type: notify
                    depends_on: [build]
                    inputs: {channel: data-alerts, message: orders are ready}
                """);
        try (KafkaConsumer<String, byte[]> runEvents = consumer(Topics.RUN_EVENTS)) {
            UUID runId = trigger("sales", "chain3", Map.of("day", "2026-11-24"));
            JsonPath run = awaitEnded(runId);
            assertEquals("succeeded", run.getString("state"));
            assertEquals(List.of("succeeded", "succeeded", "succeeded"), run.getList("tasks.state"));
            assertEquals("test-worker", task(run, "load", "worker"));
            assertTrue(Instant.parse(task(run, "build", "queuedAt"))
                    .isAfter(Instant.parse(task(run, "load", "finishedAt")).minusMillis(1)));

            List<TestWorker.Request> requests = worker().requestsOf(runId);
            assertEquals(List.of("ok_orders", "ok_orders_daily"), requests.stream().map(TestWorker.Request::behaviour)
                    .toList());
            // the load spec travels typed, not as a JSON string in the params
            assertEquals("sales.ok_orders", worker().spec(requests.get(0).taskRunId()).qualifiedName());
            assertEquals(null, requests.get(0).params().get("spec"));
            assertEquals("2026-11-24", requests.get(0).params().get("day"));
            assertEquals("eu", requests.get(1).params().get("region"));

            List<EventEnvelope<?>> events = readUntil(runEvents, runId, RunSucceeded.class);
            assertTrue(events.stream().anyMatch(e -> e.data() instanceof NotificationRequested n
                    && n.channel().equals("data-alerts") && n.message().equals("orders are ready")));
            List<String> onTopic = events.stream().filter(e -> e.data() instanceof RunTransitioned)
                    .map(e -> (RunTransitioned) e.data()).map(t -> t.taskId() + ":" + t.from() + "→" + t.to())
                    .toList();
            List<String> inApi = run.getList("transitions").stream().map(t -> (Map<?, ?>) t)
                    .map(t -> t.get("taskId") + ":" + t.get("from") + "→" + t.get("to")).toList();
            assertEquals(inApi, onTopic);
            assertEquals(List.of("null:null→queued", "null:queued→running", "load:waiting→queued",
                    "load:queued→running", "load:running→succeeded", "build:waiting→queued", "build:queued→running",
                    "build:running→succeeded", "tell:waiting→queued", "tell:queued→running",
                    "tell:running→succeeded",
                    "null:running→succeeded"), inApi);
        }
    }

    @Test
    void theListenerCommitsTheOffsetsOfWhatItHandled() throws Exception {
        worker();
        submitOk("""
                namespace: sales
                id: committed
                tasks:
                """ + ingest("load", "ok_committed", ""));
        UUID runId = trigger("sales", "committed", Map.of());
        assertEquals("succeeded", awaitEnded(runId).getString("state"));
        // every event of the run is before these offsets: the scheduler's group must get there (no lag left for the
        // pipelines dashboard, nothing read again after a restart), within its commit interval
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.TASK_EVENTS)).allTopicNames().get().get(Topics.TASK_EVENTS)
                    .partitions().forEach(p -> latest.put(new TopicPartition(Topics.TASK_EVENTS, p.partition()),
                            OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets(config.consumerGroup()).partitionsToOffsetAndMetadata().get();
                ends.forEach((tp, end) -> {
                    long at = committed.get(tp) == null ? 0 : committed.get(tp).offset();
                    assertTrue(at >= end, tp + " committed at " + at + ", handled up to " + end);
                });
            });
        }
    }

    @Test
    void aNotifyTaskNamingAMissingChannelFailsTheRunWithThatMessage() throws Exception {
        worker(); // answers notify tasks as the notifier does
        submitOk("""
                namespace: sales
                id: tell_nobody
                tasks:
                """ + ingest("load", "ok_tell", "") + """
                  - id: tell
                    type: notify
                    depends_on: [load]
                    inputs: {channel: missing-alerts, message: orders are ready}
                """);
        try (KafkaConsumer<String, byte[]> runEvents = consumer(Topics.RUN_EVENTS)) {
            UUID runId = trigger("sales", "tell_nobody", Map.of());
            JsonPath run = awaitEnded(runId);
            assertEquals("failed", run.getString("state"));
            assertEquals("tell", run.getString("failedTask"));
            assertEquals("failed", task(run, "tell", "state"));
            assertEquals("1", task(run, "tell", "attempt"), "not retried: another attempt would fail alike");
            assertEquals("channel 'missing-alerts' does not exist in namespace 'sales'", task(run, "tell", "error"));
            List<EventEnvelope<?>> events = readUntil(runEvents, runId, RunFailed.class);
            RunFailed failed = (RunFailed) events.get(events.size() - 1).data();
            assertEquals("tell", failed.failedTask());
            assertEquals("channel 'missing-alerts' does not exist in namespace 'sales'", failed.error());
        }
    }

    @Test
    void aFailingTaskIsRetriedThenFailsAndItsDownstreamIsSkipped() throws Exception {
        worker();
        submitOk("""
                namespace: sales
                id: failing
                tasks:
                """ + ingest("load", "fail_orders", "    retries: {count: 2, backoff: 100ms}\n") + """
                  - id: build
                    type: transform
                    depends_on: [load]
                    inputs: {project_version: "1", selector: ok_daily}
                  - id: tell
                    type: notify
                    depends_on: [build]
                    inputs: {channel: data-alerts, message: never}
                """);
        try (KafkaConsumer<String, byte[]> runEvents = consumer(Topics.RUN_EVENTS)) {
            UUID runId = trigger("sales", "failing", Map.of());
            JsonPath run = awaitEnded(runId);
            assertEquals("failed", run.getString("state"));
            assertEquals("load", run.getString("failedTask"));
            assertEquals("failed", task(run, "load", "state"));
            assertEquals("3", task(run, "load", "attempt"));
            assertEquals("skipped", task(run, "build", "state"));
            assertEquals("skipped", task(run, "tell", "state"));
            assertEquals(List.of(1, 2, 3), worker().requestsOf(runId).stream().map(TestWorker.Request::attempt)
                    .toList());
            List<String> loadStates = run.getList("transitions.findAll { it.taskId == 'load' }.to");
            assertEquals(List.of("queued", "running", "retrying", "queued", "running", "retrying", "queued",
                    "running", "failed"), loadStates);
            List<EventEnvelope<?>> events = readUntil(runEvents, runId, RunFailed.class);
            RunFailed failed = (RunFailed) events.get(events.size() - 1).data();
            assertEquals("load", failed.failedTask());
            assertThat(failed.error(), containsString("test failure of attempt 3"));
        }
    }

    @Test
    void anAttemptPastItsTimeoutIsTimedOut() {
        worker();
        submitOk("""
                namespace: sales
                id: slow
                tasks:
                """ + ingest("load", "busy_orders", "    timeout: 1s\n"));
        UUID runId = trigger("sales", "slow", Map.of());
        JsonPath run = awaitEnded(runId);
        assertEquals("failed", run.getString("state"));
        assertEquals("timed_out", task(run, "load", "state"));
        assertThat(task(run, "load", "error"), containsString("timed out after 1 s"));
    }

    @Test
    void aRunPastItsSlaIsTimedOutAndReportedAsSlaMissed() {
        worker();
        try (KafkaConsumer<String, byte[]> runEvents = consumer(Topics.RUN_EVENTS)) {
            submitOk("""
                    namespace: sales
                    id: late
                    sla: {max_duration: 1s}
                    tasks:
                    """ + ingest("load", "busy_orders", ""));
            UUID runId = trigger("sales", "late", Map.of());
            JsonPath run = awaitEnded(runId);
            assertEquals("timed_out", run.getString("state"));
            assertEquals("cancelled", task(run, "load", "state"));
            List<EventEnvelope<?>> events = readUntil(runEvents, runId, RunSlaMissed.class);
            RunSlaMissed missed = (RunSlaMissed) events.get(events.size() - 1).data();
            assertEquals("late", missed.pipelineId());
            assertEquals(1_000L, missed.slaMs());
            assertTrue(missed.elapsedMs() >= 1_000L, "elapsed " + missed.elapsedMs() + " ms");
        }
    }

    @Test
    void aDeadWorkersTaskIsRetriedAfterTheHeartbeatTimeout() {
        worker();
        submitOk("""
                namespace: sales
                id: lost
                tasks:
                """ + ingest("load", "dieonce_orders", "    retries: {count: 1, backoff: 100ms}\n"));
        UUID runId = trigger("sales", "lost", Map.of());
        JsonPath run = awaitEnded(runId);
        assertEquals("succeeded", run.getString("state"));
        assertEquals("2", task(run, "load", "attempt"));
        List<String> reasons = run.getList("transitions.findAll { it.to == 'retrying' }.reason");
        assertEquals(1, reasons.size());
        assertThat(reasons.get(0), containsString("sent no heartbeat"));
    }

    /**
     * A task that runs three times the heartbeat timeout (2 s in tests) on a worker that heartbeats with the workers'
     * own helper, through the real Kafka, is not presumed dead: one attempt, and it succeeds.
     */
    @Test
    void aLongTaskWhoseWorkerHeartbeatsOutlivesTheHeartbeatTimeoutWithOneAttempt() throws InterruptedException {
        worker();
        submitOk("""
                namespace: sales
                id: long_load
                tasks:
                """ + ingest("load", "silent_long", "    retries: {count: 2, backoff: 100ms}\n"));
        UUID runId = trigger("sales", "long_load", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 1);
        UUID load = worker().requestsOf(runId).get(0).taskRunId();
        try (TaskHeartbeats heartbeats = new TaskHeartbeats(stack.kafka().bootstrapServers(), "/strata/ingest",
                Map.of())) {
            worker().publishAll(List.of(report(load, new TaskStarted(load, runId, "ingest-1", 1))));
            try (TaskHeartbeats.Beat beat = heartbeats.start(load, 1, "ingest-1", config.heartbeatTimeout()
                    .dividedBy(4))) {
                Thread.sleep(config.heartbeatTimeout().multipliedBy(3).toMillis()); // the load runs
            }
            assertTrue(heartbeats.sentCount() >= 8, heartbeats.sentCount() + " heartbeats sent");
        }
        worker().publishAll(List.of(report(load, new TaskSucceeded(load, runId, 5, 50, 6_000, Map.of(), 1))));

        JsonPath run = awaitEnded(runId);
        assertEquals("succeeded", run.getString("state"), run::prettify);
        assertEquals("1", task(run, "load", "attempt"));
        assertEquals(List.of("queued", "running", "succeeded"),
                run.getList("transitions.findAll { it.taskId == 'load' }.to"), run::prettify);
        assertEquals(1, worker().requestsOf(runId).size(), "the task was not dispatched again");
    }

    /**
     * An http task the scheduler runs itself, answered after three times the heartbeat timeout (2 s in tests): the
     * scheduler's own worker heartbeats through Kafka like the others, so the call is waited for, once.
     */
    @Test
    void aSlowHttpTaskRunInTheSchedulerOutlivesTheHeartbeatTimeoutWithOneAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/slow", exchange -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(config.heartbeatTimeout().multipliedBy(3).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        target.setExecutor(Executors.newCachedThreadPool());
        target.start();
        try {
            submitOk("""
                    namespace: sales
                    id: slow_call
                    tasks:
                      - id: call
                        type: http
                        retries: {count: 2, backoff: 100ms}
                        inputs: {url: "http://localhost:%d/slow"}
                    """.formatted(target.getAddress().getPort()));
            UUID runId = trigger("sales", "slow_call", Map.of());
            JsonPath run = awaitEnded(runId);
            assertEquals("succeeded", run.getString("state"), run::prettify);
            assertEquals("1", task(run, "call", "attempt"));
            assertEquals(List.of("queued", "running", "succeeded"),
                    run.getList("transitions.findAll { it.taskId == 'call' }.to"), run::prettify);
            assertEquals(1, calls.get(), "the endpoint was called once");
        } finally {
            target.stop(0);
        }
    }

    /**
     * The heartbeats of an attempt the scheduler gave up on (its worker was only slow) do not keep the attempt that
     * replaced it alive: that one is presumed dead in its turn when its own worker goes silent.
     */
    @Test
    void heartbeatsOfAReplacedAttemptDoNotKeepTheNewOneAlive() throws InterruptedException {
        worker();
        submitOk("""
                namespace: sales
                id: stale_beats
                tasks:
                """ + ingest("load", "silent_stale", "    retries: {count: 1, backoff: 100ms}\n"));
        UUID runId = trigger("sales", "stale_beats", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 1);
        UUID load = worker().requestsOf(runId).get(0).taskRunId();
        worker().publishAll(List.of(report(load, new TaskStarted(load, runId, "ingest-1", 1))));
        // attempt 1 says nothing more: presumed dead, attempt 2 is dispatched and starts
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 2);
        worker().publishAll(List.of(report(load, new TaskStarted(load, runId, "ingest-2", 2))));
        try (TaskHeartbeats heartbeats = new TaskHeartbeats(stack.kafka().bootstrapServers(), "/strata/ingest",
                Map.of());
                TaskHeartbeats.Beat stale = heartbeats.start(load, 1, "ingest-1", Duration.ofMillis(200))) {
            JsonPath run = awaitEnded(runId); // attempt 1's worker heartbeats all along; attempt 2's is silent
            assertEquals("failed", run.getString("state"), run::prettify);
            assertEquals("2", task(run, "load", "attempt"));
            assertThat(task(run, "load", "error"), containsString("ingest-2 sent no heartbeat"));
            assertTrue(heartbeats.sentCount() > 0, "attempt 1's heartbeats reached Kafka");
        }
    }

    @Test
    void aCancelledRunStopsAndDispatchesNothingMore() {
        worker();
        submitOk("""
                namespace: sales
                id: cancel_me
                tasks:
                """ + ingest("load", "busy_orders", "") + """
                  - id: build
                    type: transform
                    depends_on: [load]
                    inputs: {project_version: "1", selector: ok_daily}
                """);
        UUID runId = trigger("sales", "cancel_me", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(task(run(runId), "load", "state")));
        given().auth().oauth2(token()).post("/api/v1/runs/" + runId + "/cancel").then().statusCode(200)
                .body("state", equalTo("cancelled"));
        JsonPath run = run(runId);
        assertEquals(List.of("cancelled", "cancelled"), run.getList("tasks.state"));
        given().auth().oauth2(token()).post("/api/v1/runs/" + runId + "/cancel").then().statusCode(409);
        assertEquals(1, worker().requestsOf(runId).size());
    }

    @Test
    void anEndedRunIsRetriedAsANewRunWithItsParamsAndTheTriggersTraceIsKept() {
        worker();
        submitOk("""
                namespace: sales
                id: retry_me
                params: {day: "2026-01-01"}
                tasks:
                """ + ingest("load", "busy_retry", ""));
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String runId = given().auth().oauth2(token()).contentType("application/json")
                .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                .body(Map.of("params", Map.of("day", "2026-02-02"))).post("/api/v1/pipelines/sales/retry_me/runs")
                .then().statusCode(202).extract().path("id");
        UUID first = UUID.fromString(runId);
        assertEquals(trace, run(first).getString("traceId"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(task(run(first), "load", "state")));
        // an active run is not retried: it would run twice
        given().auth().oauth2(token()).post("/api/v1/runs/" + first + "/retry").then().statusCode(409)
                .body("detail", containsString("only an ended run can be retried"));
        given().auth().oauth2(token()).post("/api/v1/runs/" + first + "/cancel").then().statusCode(200);

        IssuerClient issuer = new IssuerClient(stack.auth());
        given().auth().oauth2(issuer.tokenFor(Map.of("marketing", "admin"))).post("/api/v1/runs/" + first + "/retry")
                .then().statusCode(404);
        given().auth().oauth2(issuer.tokenFor(Map.of("sales", "viewer"))).post("/api/v1/runs/" + first + "/retry")
                .then().statusCode(403);
        assertEquals(1, given().auth().oauth2(token()).queryParam("namespace", "sales")
                .queryParam("pipeline", "retry_me").get("/api/v1/runs").then().statusCode(200).extract().jsonPath()
                .getList("id").size(), "the refused retries made no run");

        String retriedId = given().auth().oauth2(token()).post("/api/v1/runs/" + first + "/retry").then()
                .statusCode(201).body("retryOf", equalTo(runId)).body("trigger", equalTo("retry"))
                .body("params.day", equalTo("2026-02-02")).extract().path("id");
        UUID retried = UUID.fromString(retriedId);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(retried).size() == 1);
        assertEquals("running", task(run(retried), "load", "state"));
        given().auth().oauth2(token()).post("/api/v1/runs/" + retried + "/cancel").then().statusCode(200);
    }

    @Test
    void aTasksStartAndSuccessInOneBurstAndRedeliveredAreAppliedOnce() {
        worker();
        submitOk("""
                namespace: sales
                id: burst
                tasks:
                """ + ingest("load", "silent_orders", "") + ingest("next", "ok_next", "    depends_on: [load]\n"));
        UUID runId = trigger("sales", "burst", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 1);
        UUID load = worker().requestsOf(runId).get(0).taskRunId();
        var started = EventEnvelope.of("/strata/ingest", load.toString(),
                new TaskStarted(load, runId, "ingest-1", 1));
        var succeeded = EventEnvelope.of("/strata/ingest", load.toString(),
                new TaskSucceeded(load, runId, 5, 50, 3, Map.of("versionId", "v1"), 1));
        // start and success back to back (mostly read in one poll, handled in one transaction), each delivered twice
        worker().publishAll(List.of(started, succeeded, started, succeeded));
        JsonPath run = awaitEnded(runId);
        assertEquals("succeeded", run.getString("state"));
        assertEquals(List.of("queued", "running", "succeeded"),
                run.getList("transitions.findAll { it.taskId == 'load' }.to"));
        assertEquals("ingest-1", task(run, "load", "worker"));
        assertEquals("5", task(run, "load", "rows"));
        assertEquals(2, worker().requestsOf(runId).size(), "the downstream task was dispatched once");
    }

    @Test
    void aLateReportOfAReplacedAttemptChangesNothing() {
        worker();
        submitOk("""
                namespace: sales
                id: late
                tasks:
                """ + ingest("load", "silent_late", "    retries: {count: 1, backoff: 100ms}\n"));
        UUID runId = trigger("sales", "late", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 1);
        UUID load = worker().requestsOf(runId).get(0).taskRunId();
        worker().publishAll(List.of(report(load, new TaskStarted(load, runId, "ingest-1", 1)),
                report(load, new TaskFailed(load, runId, "connection reset", true, 10, 1))));
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 2);
        assertEquals(2, worker().requestsOf(runId).get(1).attempt());

        // attempt 1's worker was not dead after all: its late failure and success come in while attempt 2 is queued,
        // then attempt 2 reports (same partition, so after them)
        worker().publishAll(List.of(report(load, new TaskFailed(load, runId, "late failure", false, 20, 1)),
                report(load, new TaskSucceeded(load, runId, 5, 50, 30, Map.of("by", "attempt 1"), 1)),
                report(load, new TaskStarted(load, runId, "ingest-2", 2)),
                report(load, new TaskSucceeded(load, runId, 7, 70, 40, Map.of("by", "attempt 2"), 2))));

        JsonPath run = awaitEnded(runId);
        assertEquals("succeeded", run.getString("state"));
        assertEquals(List.of("queued", "running", "retrying", "queued", "running", "succeeded"),
                run.getList("transitions.findAll { it.taskId == 'load' }.to"));
        assertEquals("7", task(run, "load", "rows"));
        assertEquals("ingest-2", task(run, "load", "worker"));
    }

    private static EventEnvelope<?> report(UUID taskRunId, StrataEvent event) {
        return EventEnvelope.of("/strata/ingest", taskRunId.toString(), event);
    }

    @Test
    void aDatasetUpdateTriggersTheDeclaringPipelineOnce() throws Exception {
        worker();
        submitOk("""
                namespace: sales
                id: on_orders
                triggers:
                  - type: dataset_updated
                    dataset: sales.orders_feed
                tasks:
                  - id: tell
                    type: notify
                    inputs: {channel: data-alerts, message: orders_feed changed}
                """);
        var event = EventEnvelope.of("/strata/ingest", "sales.orders_feed", new DatasetUpdated("sales",
                "orders_feed", UUID.randomUUID(), 10, 100, UUID.randomUUID(), "s3://x", null, List.of()));
        worker().publish(event);
        worker().publish(event); // a redelivery: same event id
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf("on_orders").size() == 1
                && "succeeded".equals(runsOf("on_orders").get(0).get("state")));
        assertEquals("dataset:sales.orders_feed", runsOf("on_orders").get(0).get("trigger"));
    }

    @Test
    void aBackfillRunsEachDateWithinItsCapOnlyMissingAndCancellable() {
        worker();
        submitOk("""
                namespace: sales
                id: daily
                schedule: {cron: "0 3 * * *", timezone: UTC}
                concurrency: {limit: 5}
                tasks:
                """ + ingest("load", "ok_daily", ""));
        String first = given().auth().oauth2(token()).contentType("application/json")
                .body(Map.of("start", "2026-10-01T00:00:00Z", "end", "2026-10-05T23:59:59Z", "concurrency", 2))
                .post("/api/v1/pipelines/sales/daily/backfills").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(backfill(first).getString("state")));
        List<Map<String, Object>> runs = runsOf("daily");
        assertEquals(5, runs.size());
        assertTrue(runs.stream().allMatch(r -> "succeeded".equals(r.get("state"))));
        assertTrue(maxOverlap(runs) <= 2, "at most 2 runs of the backfill ran at once");

        String second = given().auth().oauth2(token()).contentType("application/json")
                .body(Map.of("start", "2026-10-01T00:00:00Z", "end", "2026-10-07T23:59:59Z", "concurrency", 3,
                        "onlyMissing", true))
                .post("/api/v1/pipelines/sales/daily/backfills").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(backfill(second).getString("state")));
        assertEquals(2L, backfill(second).getLong("runs.succeeded"));
        assertEquals(7, runsOf("daily").size());

        submitOk("""
                namespace: sales
                id: daily_busy
                schedule: {cron: "0 3 * * *", timezone: UTC}
                tasks:
                """ + ingest("load", "busy_daily", ""));
        String third = given().auth().oauth2(token()).contentType("application/json")
                .body(Map.of("start", "2026-10-01T00:00:00Z", "end", "2026-10-03T23:59:59Z", "concurrency", 1))
                .post("/api/v1/pipelines/sales/daily_busy/backfills").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> backfill(third).getLong("runs.running") == 1);
        assertEquals(2L, backfill(third).getLong("runs.queued"));
        given().auth().oauth2(token()).post("/api/v1/backfills/" + third + "/cancel").then().statusCode(200)
                .body("state", equalTo("cancelled")).body("runs.cancelled", equalTo(3));
    }

    private JsonPath backfill(String id) {
        return given().auth().oauth2(token()).get("/api/v1/backfills/" + id).then().statusCode(200).extract()
                .jsonPath();
    }

    private List<Map<String, Object>> runsOf(String pipeline) {
        return given().auth().oauth2(token()).queryParam("pipeline", pipeline).get("/api/v1/runs").then()
                .statusCode(200).extract().jsonPath().getList("$");
    }

    private static int maxOverlap(List<Map<String, Object>> runs) {
        int max = 0;
        for (Map<String, Object> r : runs) {
            Instant at = Instant.parse((String) r.get("startedAt"));
            int n = 0;
            for (Map<String, Object> o : runs) {
                Instant s = Instant.parse((String) o.get("startedAt"));
                Instant f = Instant.parse((String) o.get("finishedAt"));
                if (!s.isAfter(at) && f.isAfter(at)) {
                    n++;
                }
            }
            max = Math.max(max, n);
        }
        return max;
    }

    private KafkaConsumer<String, byte[]> consumer(String topic) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** The run's events on the topic, up to and including the first of type {@code last}. */
    private static List<EventEnvelope<?>> readUntil(KafkaConsumer<String, byte[]> consumer, UUID runId,
            Class<?> last) {
        EventCodec codec = new EventCodec();
        List<EventEnvelope<?>> out = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (!runId.toString().equals(r.key())) {
                    continue;
                }
                EventEnvelope<?> e = codec.decode(r.value());
                out.add(e);
                if (last.isInstance(e.data())) {
                    return out;
                }
            }
        }
        throw new AssertionError("no " + last.getSimpleName() + " for run " + runId + " on the topic; saw " + out);
    }
}
