package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;

/**
 * A run's event stream is woken by the scheduler's own commits: with the streams' database poll an hour apart, every
 * transition of a three-task chain still arrives on the open stream, in the order committed, ending with the run's
 * success. Another namespace's admin gets 404 for the stream.
 */
@QuarkusTest
@TestProfile(RunEventsPushTest.PollAnHourApart.class)
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class RunEventsPushTest extends SchedulerTestSupport {

    /** Streams poll the database once an hour: what arrives sooner was pushed. */
    public static class PollAnHourApart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("strata.scheduler.logs.stream-poll-interval", "1h");
        }
    }

    @InjectDevStack
    DevStack stack;

    @Inject
    AgroalDataSource db;

    @Override
    protected DevStack stack() {
        return stack;
    }

    @Test
    void everyTransitionOfTheRunArrivesInOrderWithoutWaitingForThePoll() throws Exception {
        worker();
        submitOk("""
                namespace: sales
                id: pushed_chain
                tasks:
                """ + ingest("a", "ok_pushed_a", "") + ingest("b", "ok_pushed_b", "    depends_on: [a]\n")
                + ingest("c", "ok_pushed_c", "    depends_on: [b]\n"));
        UUID runId = trigger("sales", "pushed_chain", Map.of());
        String path = "/api/v1/namespaces/sales/runs/" + runId + "/events";
        List<String> events = new CopyOnWriteArrayList<>();
        sse(path, null, events);

        assertEquals("succeeded", awaitEnded(runId).getString("state"));
        await().atMost(Duration.ofSeconds(30)).until(() -> events.stream()
                .anyMatch(
                        l -> l.startsWith("data:") && !l.contains("\"taskId\"") && l.contains("\"to\":\"succeeded\"")));

        // every transition committed, in the order committed, each once
        assertEquals(committedIds(runId), firstIds(events), events::toString);
        List<String> data = events.stream().filter(l -> l.startsWith("data:")).toList();
        for (String task : List.of("a", "b", "c")) {
            assertTrue(data.stream().anyMatch(l -> l.contains("\"taskId\":\"" + task + "\"")
                    && l.contains("\"to\":\"succeeded\"")), task + " " + events);
        }
        assertTrue(data.get(data.size() - 1).contains("\"to\":\"succeeded\"")
                && !data.get(data.size() - 1).contains("\"taskId\""), events::toString);

        String other = new IssuerClient(stack.auth()).tokenFor(Map.of("marketing", "admin"));
        given().auth().oauth2(other).get(path).then().statusCode(404);
    }

    private List<String> committedIds(UUID runId) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id FROM transition WHERE run_id = ? ORDER BY id")) {
            s.setObject(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(String.valueOf(rs.getLong(1)));
                }
            }
        }
        return ids;
    }
}
