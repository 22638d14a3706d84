package dev.strata.outbox.quarkus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;

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
        boolean down = false;
        long slowest = 0;
        try {
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!down && System.nanoTime() < until) {
                long t0 = System.nanoTime();
                Response response = ready();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                slowest = Math.max(slowest, ms);
                assertTrue(ms <= 500, "readiness took " + ms + " ms while Kafka is frozen");
                if (response.statusCode() == 503) {
                    down = true;
                    assertTrue(response.asString().contains("kafka"), response.asString());
                } else {
                    assertEquals(200, response.statusCode(), response.asString());
                    Thread.sleep(100);
                }
            }
        } finally {
            signal(pid, "CONT");
        }
        assertTrue(down, "readiness turned to 503 while Kafka was frozen (slowest answer " + slowest + " ms)");
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
