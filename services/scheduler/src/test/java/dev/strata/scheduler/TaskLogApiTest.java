package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.events.EventEnvelope;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.outbox.TaskHeartbeats;
import dev.strata.outbox.TaskLogs;

/**
 * Task logs end to end through the real Kafka: a worker writes lines with libs/outbox {@link TaskLogs} while its task
 * runs; they are read through the API while it runs and after it ended, streamed live (server-sent events that end
 * with the task), and a run's transitions are streamed too. Another namespace gets 404.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class TaskLogApiTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Inject
    AgroalDataSource db;

    @Override
    protected DevStack stack() {
        return stack;
    }

    @Test
    void aTasksLogIsReadWhileItRunsStreamedLiveAndKeptAfterItEnds() throws Exception {
        worker();
        submitOk("""
                namespace: sales
                id: logged_load
                tasks:
                """ + ingest("load", "silent_logged", ""));
        UUID runId = trigger("sales", "logged_load", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 1);
        UUID load = worker().requestsOf(runId).get(0).taskRunId();
        String logs = "/api/v1/namespaces/sales/runs/" + runId + "/tasks/load/logs";

        // the run's state changes, streamed from before the task starts
        List<String> runEvents = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> runStream = sse("/api/v1/namespaces/sales/runs/" + runId + "/events", null,
                runEvents);

        try (TaskLogs taskLogs = new TaskLogs(stack.kafka().bootstrapServers(), "/strata/ingest", Map.of(),
                TaskLogs.Limits.DEFAULT);
                TaskHeartbeats heartbeats = new TaskHeartbeats(stack.kafka().bootstrapServers(), "/strata/ingest",
                        Map.of());
                TaskHeartbeats.Beat beat = heartbeats.start(load, 1, "ingest-1", Duration.ofMillis(300))) {
            worker().publishAll(List.of(EventEnvelope.of("/strata/ingest", load.toString(),
                    new TaskStarted(load, runId, "ingest-1", 1))));
            TaskLogs.Attempt log = taskLogs.open(load, 1, "ingest-1");
            log.info("source opened: https://bob:hunter2@files.example.com/orders.csv");
            log.info("10 rows read (1 KB)");

            // read while the task runs
            await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(token()).get(logs).then()
                    .statusCode(200).extract().jsonPath().getList("lines").size() == 2);
            JsonPath running = given().auth().oauth2(token()).get(logs).then().statusCode(200).extract().jsonPath();
            assertEquals("running", running.getString("state"), running::prettify);
            assertEquals(false, running.getBoolean("ended"));
            assertEquals(List.of(1, 2), running.getList("lines.seq"));
            assertEquals("source opened: https://***@files.example.com/orders.csv",
                    running.getString("lines[0].text"), "the URL's credentials are never kept");
            assertEquals(2, running.getInt("next"));

            // a stream opened now gets the two lines, then the next ones live
            List<String> streamed = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> stream = sse(logs + "/stream", null, streamed);
            await().atMost(Duration.ofSeconds(20)).until(() -> count(streamed, "event:log") == 2);
            log.warn("line 4127: 1 row quarantined");
            await().atMost(Duration.ofSeconds(20)).until(() -> count(streamed, "event:log") == 3);
            assertTrue(streamed.contains("id:1.3"), streamed::toString);
            assertTrue(streamed.stream().anyMatch(l -> l.startsWith("data:") && l.contains("1 row quarantined")
                    && l.contains("\"level\":\"warn\"")), streamed::toString);
            assertTrue(!stream.isDone(), "the stream stays open while the task runs");

            log.info("10 rows loaded, 1 quarantined");
            log.close();
            beat.close();
            worker().publishAll(List.of(EventEnvelope.of("/strata/ingest", load.toString(),
                    new TaskSucceeded(load, runId, 10, 1_000, 500, Map.of(), 1))));

            // the stream ends with the task, after its last line
            stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(4, count(streamed, "event:log"), streamed::toString);
            int end = streamed.indexOf("event:end");
            assertTrue(end > streamed.indexOf("id:1.4"), streamed::toString);
            assertTrue(streamed.get(end + 1).contains("succeeded"), streamed::toString);
        }

        // kept after the end; pages with after/limit
        JsonPath ended = given().auth().oauth2(token()).queryParam("after", 1).queryParam("limit", 2).get(logs)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(true, ended.getBoolean("ended"));
        assertEquals(List.of(2, 3), ended.getList("lines.seq"));
        assertEquals(3, ended.getInt("next"));

        // the run's stream: every transition in order, then its end
        runStream.get(30, java.util.concurrent.TimeUnit.SECONDS);
        List<String> transitions = runEvents.stream().filter(l -> l.startsWith("data:") && l.contains("\"to\""))
                .toList();
        assertTrue(transitions.stream().anyMatch(l -> l.contains("\"taskId\":\"load\"")
                && l.contains("\"to\":\"running\"")), runEvents::toString);
        assertTrue(transitions.get(transitions.size() - 1).contains("\"to\":\"succeeded\""), runEvents::toString);
        assertTrue(runEvents.contains("event:end"), runEvents::toString);

        // resumed after the second transition: only the later ones
        List<String> resumed = new CopyOnWriteArrayList<>();
        sse("/api/v1/namespaces/sales/runs/" + runId + "/events", firstIds(runEvents).get(1), resumed)
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(firstIds(runEvents).subList(2, firstIds(runEvents).size()), firstIds(resumed));
        // and the log stream after line 1.2: lines 3 and 4 only
        List<String> resumedLog = new CopyOnWriteArrayList<>();
        sse(logs + "/stream", "1.2", resumedLog).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of("1.3", "1.4"), firstIds(resumedLog));
    }

    @Test
    void aTransitionCommittedByAnotherReplicaArrivesOnTheStreamByItsPoll() throws Exception {
        worker();
        submitOk("""
                namespace: sales
                id: replicated
                tasks:
                """ + ingest("load", "silent_replicated", ""));
        UUID runId = trigger("sales", "replicated", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> worker().requestsOf(runId).size() == 1);
        UUID load = worker().requestsOf(runId).get(0).taskRunId();
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> stream = sse("/api/v1/namespaces/sales/runs/" + runId + "/events", null, events);
        await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("event:transition"));

        // another replica commits a transition of this run: nothing on this replica announces it
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO transition (run_id, task_run_id, from_state, "
                        + "to_state, attempt, reason) VALUES (?, ?, 'queued', 'queued', 1, 'noted by replica 2')")) {
            s.setObject(1, runId);
            s.setObject(2, load);
            assertEquals(1, s.executeUpdate());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> events.stream()
                .anyMatch(l -> l.startsWith("data:") && l.contains("noted by replica 2")));

        worker().publishAll(List.of(EventEnvelope.of("/strata/ingest", load.toString(),
                new TaskStarted(load, runId, "ingest-1", 1)),
                EventEnvelope.of("/strata/ingest", load.toString(),
                        new TaskSucceeded(load, runId, 10, 1_000, 500, Map.of(), 1))));
        stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
        List<String> data = events.stream().filter(l -> l.startsWith("data:") && l.contains("\"to\"")).toList();
        assertTrue(data.get(data.size() - 1).contains("\"to\":\"succeeded\"")
                && !data.get(data.size() - 1).contains("taskId"), events::toString);
        assertTrue(events.contains("event:end"), events::toString);
    }

    @Test
    void badParametersAreProblemsNamingTheField() {
        worker();
        submitOk("""
                namespace: sales
                id: logged_params
                tasks:
                """ + ingest("load", "ok_params", ""));
        UUID runId = trigger("sales", "logged_params", Map.of());
        awaitEnded(runId);
        String logs = "/api/v1/namespaces/sales/runs/" + runId + "/tasks/load/logs";
        given().auth().oauth2(token()).queryParam("limit", 100_000).get(logs).then().statusCode(400)
                .body("errors[0].field", equalTo("limit")).body("detail", containsString("limit '100000'"));
        given().auth().oauth2(token()).queryParam("attempt", 9).get(logs).then().statusCode(400)
                .body("errors[0].field", equalTo("attempt"));
        given().auth().oauth2(token()).header("Last-Event-ID", "x").get(logs + "/stream").then().statusCode(400)
                .body("errors[0].field", equalTo("Last-Event-ID"));
        given().auth().oauth2(token()).get("/api/v1/namespaces/sales/runs/" + runId + "/tasks/nope/logs").then()
                .statusCode(404);
        // the run exists, but not in this namespace
        given().auth().oauth2(token()).get("/api/v1/namespaces/marketing/runs/" + runId + "/tasks/load/logs")
                .then().statusCode(404);
    }

    @Test
    void anotherNamespacesViewerGetsNotFound() {
        worker();
        submitOk("""
                namespace: sales
                id: logged_walled
                tasks:
                """ + ingest("load", "ok_walled", ""));
        UUID runId = trigger("sales", "logged_walled", Map.of());
        awaitEnded(runId);
        IssuerClient issuer = new IssuerClient(stack.auth());
        String other = issuer.tokenFor(Map.of("marketing", "admin"));
        String viewer = issuer.tokenFor(Map.of("sales", "viewer"));
        for (String path : List.of("/tasks/load/logs", "/tasks/load/logs/stream", "/events")) {
            given().auth().oauth2(other).get("/api/v1/namespaces/sales/runs/" + runId + path).then()
                    .statusCode(404);
        }
        given().auth().oauth2(viewer).get("/api/v1/namespaces/sales/runs/" + runId + "/tasks/load/logs").then()
                .statusCode(200).body("state", equalTo("succeeded"));
    }

    private static long count(List<String> lines, String line) {
        return lines.stream().filter(line::equals).count();
    }
}
