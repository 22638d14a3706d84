package dev.strata.ingest.messaging;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
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

    /** Every event on {@code topic} whose subject is one of {@code subjects}, read from the start. */
    private List<StrataEvent> events(String topic, List<String> subjects, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<StrataEvent> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant end = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(end) && found.size() < atLeast) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (subjects.contains(record.key())) {
                        found.add(codec.decode(record.value()).data());
                    }
                }
            }
            // anything else already there
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(2))) {
                if (subjects.contains(record.key())) {
                    found.add(codec.decode(record.value()).data());
                }
            }
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

    @Test
    void aRequestDeliveredTwiceLoadsOnceAndReportsThroughTheOutbox() throws Exception {
        String name = unique("task");
        String url = serve("/" + name + "/t.csv", "id,v\n1,a\n2,b\n3,c\n");
        String spec = "{\"namespace\":\"sales\",\"name\":\"" + name + "\",\"source\":{\"kind\":\"http\",\"url\":\""
                + url + "\"},\"loadMode\":\"append\"}";
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
        assertEquals(3, it.count("SELECT count(*) FROM raw.sales__" + name), "loaded exactly once");
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
        assertEquals("s3://strata-lake/raw/sales/" + name + "/" + taskRunId + "/", updated.rawLocation());
        assertEquals("id", updated.columns().get(0).name());
        assertEquals("integer", updated.columns().get(0).type());
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
            assertEquals("the request has no params.spec (the load spec as JSON)", rejected.getString("error"));
            List<StrataEvent> failed = events(Topics.TASK_EVENTS, List.of(noSpec.toString()), 1);
            assertEquals("the request has no params.spec (the load spec as JSON)", ((TaskFailed) failed.get(0))
                    .error());
        }
        assertEquals(1, it.count("SELECT count(*) FROM raw.sales__" + name));
        List<StrataEvent> taskEvents = events(Topics.TASK_EVENTS, List.of(taskRunId.toString()), 4);
        assertEquals(1, taskEvents.stream().filter(TaskFailed.class::isInstance).count(), taskEvents::toString);
        assertEquals(1, taskEvents.stream().filter(TaskSucceeded.class::isInstance).count(), taskEvents::toString);
    }
}
