package dev.strata.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.strata.devstack.DevStack;
import dev.strata.events.EventCodec;
import dev.strata.events.TaskLogged;
import dev.strata.events.Topics;

/**
 * A task's log lines reach {@code strata.events.tasklog} in order, batched, cut and capped, with secrets redacted.
 * (Kept and served by the scheduler: its {@code TaskLogsTest}.)
 */
class TaskLogsTest {

    @Test
    void linesReachTheTopicInOrderRedactedCutAndCapped() throws Exception {
        DevStack stack = TestStack.get();
        UUID taskRunId = UUID.randomUUID();
        TaskLogs.Limits limits = new TaskLogs.Limits(Duration.ofMillis(50), 3, 100, 8);
        try (TaskLogs logs = new TaskLogs(stack.kafka().bootstrapServers(), "/strata/test", Map.of(), limits)) {
            try (TaskLogs.Attempt log = logs.open(taskRunId, 2, "w-1")) {
                log.info("source opened: https://alice:s3cr3t-pw@files.example.com/orders.csv?token=abc123&x=1");
                log.warn("jdbc:postgresql://db:5432/shop?user=bob&password=hunter2");
                log.error("x".repeat(250));
                for (int i = 1; i <= 10; i++) {
                    log.info("row batch " + i);
                }
            }
        }

        List<TaskLogged.Line> lines = new ArrayList<>();
        EventCodec codec = new EventCodec();
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "tasklogs-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(Topics.TASK_LOGS));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (lines.size() < 9 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(taskRunId.toString())) {
                        TaskLogged logged = codec.decode(record.value(), TaskLogged.class).data();
                        assertEquals(2, logged.attempt());
                        assertEquals("w-1", logged.worker());
                        assertTrue(logged.lines().size() <= 3, "batches of at most 3 lines");
                        lines.addAll(logged.lines());
                    }
                }
            }
        }

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), lines.stream().map(TaskLogged.Line::seq).toList());
        assertEquals("source opened: https://***@files.example.com/orders.csv?token=***&x=1", lines.get(0).text());
        assertEquals("warn", lines.get(1).level());
        assertEquals("jdbc:postgresql://db:5432/shop?user=bob&password=***", lines.get(1).text());
        assertEquals("error", lines.get(2).level());
        assertEquals("x".repeat(100) + " … (150 more characters cut)", lines.get(2).text());
        assertEquals("row batch 5", lines.get(7).text());
        assertEquals("5 lines dropped: an attempt keeps at most 8 lines", lines.get(8).text());
        lines.forEach(l -> assertFalse(l.text().contains("s3cr3t") || l.text().contains("hunter2")
                || l.text().contains("abc123"), l.text()));
    }

    @Test
    void withKafkaDownWritingNeverWaits() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (TaskLogs logs = new TaskLogs("127.0.0.1:" + port, "/strata/test", Map.of(), TaskLogs.Limits.DEFAULT)) {
            TaskLogs.Attempt log = logs.open(UUID.randomUUID(), 1, "w-1");
            long t0 = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                log.info("line " + i);
            }
            long writeMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(writeMs < 500, "writing took " + writeMs + " ms");
            t0 = System.nanoTime();
            log.close();
            long closeMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(closeMs < 3_000, "close took " + closeMs + " ms");
        }
    }
}
