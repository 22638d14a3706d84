package dev.strata.outbox.quarkus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;

/**
 * Issue 21: during a Kafka outage every service's readiness took over 3 s to answer, so a Kubernetes probe timed out
 * instead of seeing 503. Kafka is frozen here (SIGSTOP, as a paused or partitioned broker): readiness keeps answering
 * within 500 ms, turns to 503 naming Kafka, and back to 200 once Kafka runs again.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class DependencyReadinessTest {

    @InjectDevStack
    DevStack stack;

    @Test
    void readinessAnswersWithinHalfASecondAndTurnsDownWhileKafkaIsFrozen() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ready().statusCode() == 200);
        long pid = stack.kafka().pid().orElseThrow();
        signal(pid, "STOP");
        List<Long> answers = new ArrayList<>();
        long downInMs = -1;
        String downBody = "";
        try {
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (downInMs < 0 && System.nanoTime() < until) {
                long t0 = System.nanoTime();
                Response response = ready();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                answers.add(ms);
                if (response.statusCode() == 503) {
                    downBody = response.asString();
                    // five more answers while it is down: the median is what a probe sees
                    List<Long> down = new ArrayList<>(List.of(ms));
                    for (int i = 0; i < 5; i++) {
                        long t1 = System.nanoTime();
                        assertEquals(503, ready().statusCode());
                        down.add((System.nanoTime() - t1) / 1_000_000);
                    }
                    answers.addAll(down.subList(1, down.size()));
                    downInMs = down.stream().sorted().toList().get(down.size() / 2);
                } else {
                    assertEquals(200, response.statusCode(), response.asString());
                    Thread.sleep(100);
                }
            }
        } finally {
            signal(pid, "CONT");
        }
        assertTrue(downInMs >= 0, "readiness turned to 503 while Kafka was frozen; answers (ms): " + answers);
        assertTrue(downBody.contains("kafka"), downBody);
        // the 503 within the bound (median of six answers), the others too, but for the odd scheduling hiccup of a
        // loaded machine (Quarkus' own Kafka check took over 3 s per answer here)
        assertTrue(downInMs <= 500, "the 503 took " + downInMs + " ms (median of 6); answers (ms): " + answers);
        List<Long> sorted = answers.stream().sorted().toList();
        assertTrue(sorted.get(sorted.size() / 2) <= 500, "median answer over 500 ms: " + answers);
        assertTrue(sorted.get(sorted.size() - 1) <= 2_000, "an answer took over 2 s: " + answers);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ready().statusCode() == 200);
    }

    private static Response ready() {
        return given().get("/q/health/ready");
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
}
