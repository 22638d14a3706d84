package dev.strata.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * Heartbeats never hold up the work: with no Kafka to talk to, starting and stopping an attempt's heartbeats returns
 * at once, and the heartbeats that could not be sent are counted and dropped. (That they reach the topic while a task
 * runs, and stop when it ends, is tested where workers use them: ingest's and transform's task tests.)
 */
class TaskHeartbeatsTest {

    @Test
    void withKafkaDownTheWorkIsNeverHeldUpAndTheHeartbeatsAreDropped() throws Exception {
        try (TaskHeartbeats heartbeats = new TaskHeartbeats("127.0.0.1:" + freePort(), "/strata/test", Map.of())) {
            TaskHeartbeats.Beat first = heartbeats.start(UUID.randomUUID(), 1, "w-1", Duration.ofMillis(100));
            // the work runs while the timer thread keeps failing to reach Kafka (each send waits up to max.block.ms)
            long until = System.nanoTime() + Duration.ofMillis(2_500).toNanos();
            while (heartbeats.failedCount() == 0 && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            long t0 = System.nanoTime();
            TaskHeartbeats.Beat second = heartbeats.start(UUID.randomUUID(), 2, "w-1", Duration.ofMillis(100));
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(300);
            t0 = System.nanoTime();
            first.close();
            second.close();
            long closeMs = (System.nanoTime() - t0) / 1_000_000;

            // starting an attempt's heartbeats while another's are stuck on Kafka does not wait for them
            assertTrue(startMs < 100, "start took " + startMs + " ms");
            // nor does stopping them (a send in progress is not waited for)
            assertTrue(closeMs < 100, "close took " + closeMs + " ms");
            assertTrue(heartbeats.failedCount() >= 1, "the unsent heartbeats are counted as dropped");
            assertTrue(heartbeats.sentCount() == 0, "nothing was sent");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // closed again: nothing listens there
        }
    }
}
