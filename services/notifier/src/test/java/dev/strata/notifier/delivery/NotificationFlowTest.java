package dev.strata.notifier.delivery;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.events.EventEnvelope;
import dev.strata.events.NotificationRequested;
import dev.strata.events.QualityTestFailed;
import dev.strata.events.RunFailed;
import dev.strata.events.RunSlaMissed;
import dev.strata.events.RunSucceeded;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.events.Topics;
import dev.strata.notifier.testing.Await;
import dev.strata.notifier.testing.Events;
import dev.strata.notifier.testing.InjectReceivers;
import dev.strata.notifier.testing.NotifierApi;
import dev.strata.notifier.testing.Receivers;
import dev.strata.notifier.testing.ReceiversResource;

/**
 * Events published on the real Kafka of the dev stack end at real receivers on loopback: Slack (Block Kit), signed
 * webhooks and e-mail (GreenMail), with retries, dedupe and the dead-letter state recorded in Postgres.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@WithTestResource(ReceiversResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(1)
class NotificationFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectDevStack
    DevStack stack;

    @InjectReceivers
    Receivers receivers;

    private Events events;
    private NotifierApi api;
    private String namespace;

    @BeforeAll
    void setUp() {
        events = new Events(stack.kafka().bootstrapServers());
        namespace = "flow-" + UUID.randomUUID().toString().substring(0, 8);
        api = new NotifierApi(new IssuerClient(stack.auth()).tokenFor(Map.of(namespace, "engineer")));
    }

    @AfterAll
    void tearDown() {
        events.close();
    }

    private EventEnvelope<RunFailed> runFailed(String pipeline) {
        UUID runId = UUID.randomUUID();
        return EventEnvelope.of("/strata/scheduler", runId.toString(), new RunFailed(runId, namespace, pipeline,
                "load_orders", "line 4127, column `amount`: 'abc' is not a number", 61_007L));
    }

    private Map<String, Object> awaitFinalDelivery(UUID eventId) {
        return Await.until("the delivery of event " + eventId, () -> api.deliveriesOf(eventId),
                list -> list.size() == 1 && !"pending".equals(list.get(0).get("status"))).get(0);
    }

    @Test
    void aRunFailedOnKafkaEndsAsASlackBlockKitPostWithTheRunsFacts() throws Exception {
        UUID slack = api.createChannel(namespace, "ops-slack", "slack", "{\"webhookUrlRef\":\"slack-url\"}", null);
        api.subscribe(namespace, slack, List.of("run_failed"), "orders-daily");
        EventEnvelope<RunFailed> event = runFailed("orders-daily");
        events.publish(event);

        Map<String, Object> delivery = awaitFinalDelivery(event.id());
        assertEquals("delivered", delivery.get("status"));
        assertEquals(200, delivery.get("responseCode"));
        assertEquals(1, delivery.get("attempts"));

        List<Receivers.Received> posts = receivers.received(Receivers.SLACK_PATH).stream()
                .filter(r -> r.text().contains(event.id().toString())).toList();
        assertEquals(1, posts.size(), "one POST to Slack for the event");
        JsonNode message = JSON.readTree(posts.get(0).body());
        String pipeline = namespace + "/orders-daily";
        String subject = "FAILED: pipeline orders-daily run " + event.data().runId() + " in namespace " + namespace;
        assertEquals(subject, message.path("text").asText());
        JsonNode blocks = message.path("blocks");
        assertEquals(":x: " + subject, blocks.path(0).path("text").path("text").asText());
        List<String> fields = new ArrayList<>();
        blocks.path(1).path("fields").forEach(f -> fields.add(f.path("text").asText()));
        assertEquals(List.of("*Pipeline*\n" + pipeline, "*Status*\nfailed", "*Duration*\n1m 1s",
                "*Failed task*\nload_orders"), fields);
        assertEquals("*Error*\n```line 4127, column `amount`: 'abc' is not a number```",
                blocks.path(2).path("text").path("text").asText());
        assertEquals("http://127.0.0.1:8080/ui/namespaces/" + namespace + "/runs/" + event.data().runId(),
                blocks.path(3).path("elements").path(0).path("url").asText());

        // the subscription's filters hold: another pipeline's failure and a success are not sent to it (one key,
        // so one partition: the marker is consumed after both)
        String key = "filters-" + namespace;
        var other = EventEnvelope.of("/strata/scheduler", key, runFailed("another-pipeline").data());
        events.publish(other);
        var succeeded = EventEnvelope.of("/strata/scheduler", key,
                new RunSucceeded(UUID.randomUUID(), namespace, "orders-daily", 1_000L));
        events.publish(succeeded);
        var marker = EventEnvelope.of("/strata/scheduler", key, runFailed("orders-daily").data());
        events.publish(marker);
        assertEquals("delivered", awaitFinalDelivery(marker.id()).get("status"));
        assertEquals(List.of(), api.deliveriesOf(other.id()).stream()
                .filter(d -> slack.toString().equals(d.get("channelId"))).toList());
        assertEquals(List.of(), api.deliveriesOf(succeeded.id()).stream()
                .filter(d -> slack.toString().equals(d.get("channelId"))).toList());
    }

    @Test
    void aPipelinesNotifyTaskIsSentToTheChannelItNamesWithoutASubscription() throws Exception {
        api.createChannel(namespace, "pipeline-slack", "slack", "{\"webhookUrlRef\":\"slack-url\"}", null);
        UUID runId = UUID.randomUUID();
        // as the scheduler publishes them for a notify task; one key, so the unknown channel's request comes first
        var unknown = EventEnvelope.of("/strata/scheduler", runId.toString(), new NotificationRequested(runId, null,
                namespace, "orders-daily", "no-such-channel", "run_failed", "failed", "never sent"));
        var request = EventEnvelope.of("/strata/scheduler", runId.toString(), new NotificationRequested(runId,
                UUID.randomUUID(), namespace, "orders-daily", "pipeline-slack", "task", "running",
                "orders loaded for 2025-03-13"));
        events.publish(unknown);
        events.publish(request);

        Map<String, Object> delivery = awaitFinalDelivery(request.id());
        assertEquals("delivered", delivery.get("status"));
        assertEquals(List.of(), api.deliveriesOf(unknown.id()), "a channel the namespace does not have gets nothing");
        List<Receivers.Received> posts = receivers.received(Receivers.SLACK_PATH).stream()
                .filter(r -> r.text().contains(request.id().toString())).toList();
        assertEquals(1, posts.size(), "one POST to Slack for the request");
        JsonNode message = JSON.readTree(posts.get(0).body());
        assertEquals("RUNNING: pipeline orders-daily run " + runId + " in namespace " + namespace,
                message.path("text").asText());
        List<String> sections = new ArrayList<>();
        message.path("blocks").forEach(b -> sections.add(b.path("text").path("text").asText()));
        assertTrue(sections.contains("orders loaded for 2025-03-13"), sections.toString());
    }

    @Test
    void aNotifyTaskIsReportedToTheSchedulerAsWorkersDoAndFailsForAMissingChannel() {
        api.createChannel(namespace, "task-slack", "slack", "{\"webhookUrlRef\":\"slack-url\"}", null);
        UUID runId = UUID.randomUUID();
        UUID missingTask = UUID.randomUUID();
        UUID sentTask = UUID.randomUUID();
        events.publish(EventEnvelope.of("/strata/scheduler", runId.toString(), new NotificationRequested(runId,
                missingTask, namespace, "sales-daily", "no-such-channel", "task", "running", "orders are ready")));
        events.publish(EventEnvelope.of("/strata/scheduler", runId.toString(), new NotificationRequested(runId,
                sentTask, namespace, "sales-daily", "task-slack", "task", "running", "orders are ready")));

        List<EventEnvelope<?>> missing = events.readUntil(Topics.TASK_EVENTS, missingTask.toString(),
                found -> found.stream().anyMatch(e -> e.data() instanceof TaskFailed));
        assertEquals(List.of(TaskStarted.class, TaskFailed.class), missing.stream().map(e -> e.data().getClass())
                .toList());
        TaskFailed failed = (TaskFailed) missing.get(1).data();
        assertEquals("channel 'no-such-channel' does not exist in namespace '" + namespace + "'", failed.error());
        assertEquals(runId, failed.runId());
        assertFalse(failed.retryable(), "another attempt would fail alike");
        assertEquals("notifier", ((TaskStarted) missing.get(0).data()).worker());

        List<EventEnvelope<?>> sent = events.readUntil(Topics.TASK_EVENTS, sentTask.toString(),
                found -> found.stream().anyMatch(e -> e.data() instanceof TaskSucceeded));
        assertEquals(List.of(TaskStarted.class, TaskSucceeded.class), sent.stream().map(e -> e.data().getClass())
                .toList());
        assertEquals("task-slack", ((TaskSucceeded) sent.get(1).data()).outputs().get("channel"));
    }

    @Test
    void anEventDeliveredTwiceByKafkaGivesOneDelivery() throws Exception {
        UUID slack = api.createChannel(namespace, "dedupe-slack", "slack", "{\"webhookUrlRef\":\"slack-url\"}",
                null);
        api.subscribe(namespace, slack, List.of("run_failed"), "dedupe-pipeline");
        EventEnvelope<RunFailed> event = runFailed("dedupe-pipeline");
        events.publish(event);
        events.publish(event); // the same event id again, as a relay that died before marking it would send it
        // a second event with the same key lands behind both on the same partition
        var marker = new EventEnvelope<>(event.specversion(), UUID.randomUUID(), event.source(), event.type(),
                event.subject(), event.time(), event.datacontenttype(), event.data());
        events.publish(marker);

        assertEquals("delivered", awaitFinalDelivery(marker.id()).get("status"));
        assertEquals(1, api.deliveriesOf(event.id()).size());
        assertEquals("delivered", api.deliveriesOf(event.id()).get(0).get("status"));
        assertEquals(1, receivers.received(Receivers.SLACK_PATH).stream()
                .filter(r -> r.text().contains(event.id().toString())).count(), "Slack got the event once");
        try (Connection db = stack.postgres().connect(PostgresServer.METADATA_DB);
                PreparedStatement q = db.prepareStatement(
                        "SELECT count(*) FROM notifier.processed_event WHERE event_id = ?")) {
            q.setObject(1, event.id());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the event was marked processed once");
            }
        }
    }

    @Test
    void aWebhookReceiverThatIsDownForAWhileGetsEveryNotificationExactlyOnceWhenBack() {
        UUID hook = api.createChannel(namespace, "flaky-hook", "webhook",
                "{\"urlRef\":\"flaky-hook-url\",\"signingSecretRef\":\"hook-key\"}", 20);
        api.subscribe(namespace, hook, List.of("sla_missed"), null);
        List<UUID> eventIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID runId = UUID.randomUUID();
            var event = EventEnvelope.of("/strata/scheduler", runId.toString(),
                    new RunSlaMissed(runId, namespace, "slow-pipeline-" + i, 60_000L, 60_000L + i));
            events.publish(event);
            eventIds.add(event.id());
        }
        // the receiver's port refuses connections: every delivery fails and is retried
        for (UUID eventId : eventIds) {
            Map<String, Object> d = Await.until("a refused attempt for " + eventId, () -> api.deliveriesOf(eventId),
                    list -> list.size() == 1 && ((Integer) list.get(0).get("attempts")) >= 2).get(0);
            assertEquals("pending", d.get("status"));
            assertTrue(((String) d.get("lastError")).contains("connection refused"), (String) d.get("lastError"));
        }
        assertEquals(List.of(), receivers.received(Receivers.FLAKY_PATH));

        receivers.startFlaky(); // back, but answering 503 to each delivery's first request

        for (UUID eventId : eventIds) {
            Map<String, Object> d = awaitFinalDelivery(eventId);
            assertEquals("delivered", d.get("status"), "delivery of " + eventId + ": " + d);
            assertEquals(200, d.get("responseCode"));
        }
        Map<String, Long> accepted = receivers.received(Receivers.FLAKY_PATH).stream()
                .filter(r -> r.answered() == 200)
                .collect(Collectors.groupingBy(r -> r.header("X-Strata-Event-Id"), Collectors.counting()));
        Map<String, Long> expected = eventIds.stream()
                .collect(Collectors.toMap(UUID::toString, id -> 1L));
        assertEquals(expected, accepted, "each notification accepted exactly once");
        assertEquals(5, receivers.received(Receivers.FLAKY_PATH).stream().filter(r -> r.answered() == 503).count(),
                "each delivery met one 503 and was retried");
    }

    @Test
    void theWebhookSignatureVerifiesWithTheDocumentedAlgorithmAndATamperedBodyFails() throws Exception {
        UUID hook = api.createChannel(namespace, "signed-hook", "webhook",
                "{\"urlRef\":\"hook-url\",\"signingSecretRef\":\"hook-key\"}", null);
        api.subscribe(namespace, hook, List.of("run_succeeded"), null);
        UUID runId = UUID.randomUUID();
        var event = EventEnvelope.of("/strata/scheduler", runId.toString(),
                new RunSucceeded(runId, namespace, "signed-pipeline", 185_220L));
        events.publish(event);
        assertEquals("delivered", awaitFinalDelivery(event.id()).get("status"));

        Receivers.Received got = receivers.received(Receivers.SIGNED_PATH).stream()
                .filter(r -> event.id().toString().equals(r.header("X-Strata-Event-Id"))).findFirst().orElseThrow();
        JsonNode body = JSON.readTree(got.body());
        assertEquals("run_succeeded", body.path("eventType").asText());
        assertEquals(namespace, body.path("namespace").asText());
        assertEquals("signed-pipeline", body.path("pipelineId").asText());
        assertEquals(runId.toString(), body.path("runId").asText());
        assertEquals(185_220L, body.path("durationMs").asLong());

        // README: HMAC-SHA256(key, "<X-Strata-Timestamp>.<raw body>"), hex, prefixed "v1="
        String timestamp = got.header("X-Strata-Timestamp");
        String signature = got.header("X-Strata-Signature");
        assertEquals(signature, sign(receivers.signingKey(), timestamp, got.body()));
        byte[] tampered = got.text().replace("185220", "185221").getBytes(StandardCharsets.UTF_8);
        assertFalse(signature.equals(sign(receivers.signingKey(), timestamp, tampered)));
    }

    @Test
    void aFailedDataTestArrivesAsAnEmailInTheSmtpServer() throws Exception {
        UUID mail = mailChannel("oncall-mail", "oncall");
        api.subscribe(namespace, mail, List.of("data_test_failed", "freshness_breached"), null);
        var event = EventEnvelope.of("/strata/transform", namespace + ".orders",
                new QualityTestFailed(namespace, "orders", "not_null(customer_id)", "error", 17L, null));
        events.publish(event);
        assertEquals("delivered", awaitFinalDelivery(event.id()).get("status"));

        MimeMessage m = mailOf(event.id());
        assertEquals(
                "[Strata] DATA TEST FAILED: test not_null(customer_id) on dataset orders in namespace " + namespace,
                m.getSubject());
        assertEquals("oncall@" + namespace + ".test", m.getAllRecipients()[0].toString());
        String text = m.getContent().toString();
        assertTrue(text.contains("Test: not_null(customer_id)"), text);
        assertTrue(text.contains("Failing rows: 17"), text);
        assertTrue(text.contains("Severity: error"), text);
    }

    @Test
    void aRunFailedArrivesAsAnEmailWhoseSubjectSaysTheOutcomeAndLinksToTheRunsPage() throws Exception {
        UUID mail = mailChannel("runs-mail", "runs");
        api.subscribe(namespace, mail, List.of("run_failed", "run_succeeded"), "sales-daily");
        UUID failedRun = UUID.randomUUID();
        UUID succeededRun = UUID.randomUUID();
        var failed = EventEnvelope.of("/strata/scheduler", failedRun.toString(), new RunFailed(failedRun, namespace,
                "sales-daily", "load_orders", "line 4127, column `amount`: 'abc' is not a number", 61_007L));
        var succeeded = EventEnvelope.of("/strata/scheduler", succeededRun.toString(),
                new RunSucceeded(succeededRun, namespace, "sales-daily", 2_000L));
        events.publish(failed);
        events.publish(succeeded);
        // other tests' subscriptions in this namespace may take the events too: this channel's deliveries count
        for (UUID eventId : List.of(failed.id(), succeeded.id())) {
            Map<String, Object> delivery = Await.until("the mail of event " + eventId, () -> api
                    .deliveriesOf(eventId).stream().filter(d -> mail.toString().equals(d.get("channelId"))).toList(),
                    list -> list.size() == 1 && !"pending".equals(list.get(0).get("status"))).get(0);
            assertEquals("delivered", delivery.get("status"));
        }

        MimeMessage failedMail = mailOf(failed.id());
        assertEquals("[Strata] FAILED: pipeline sales-daily run " + failedRun + " in namespace " + namespace,
                failedMail.getSubject());
        String text = failedMail.getContent().toString();
        assertTrue(text.contains("Run: http://127.0.0.1:8080/ui/namespaces/" + namespace + "/runs/" + failedRun),
                text);
        assertEquals("[Strata] SUCCEEDED: pipeline sales-daily run " + succeededRun + " in namespace " + namespace,
                mailOf(succeeded.id()).getSubject());
    }

    /** An e-mail channel to {@code <user>@<namespace>.test} through the GreenMail server. */
    private UUID mailChannel(String name, String user) {
        return api.createChannel(namespace, name, "email", "{\"host\":\"127.0.0.1\",\"port\":"
                + receivers.mailPort() + ",\"security\":\"none\",\"username\":\"" + Receivers.MAIL_USER
                + "\",\"passwordRef\":\"smtp-password\",\"from\":\"strata@strata.test\",\"to\":[\"" + user
                + "@" + namespace + ".test\"]}", null);
    }

    private MimeMessage mailOf(UUID eventId) throws Exception {
        List<MimeMessage> mine = new ArrayList<>();
        for (MimeMessage m : receivers.mails()) {
            if (eventId.toString().equals(m.getHeader("X-Strata-Event-Id", null))) {
                mine.add(m);
            }
        }
        assertEquals(1, mine.size(), "one mail for event " + eventId);
        return mine.get(0);
    }

    @Test
    void aDeliveryIsDeadLetteredAfterItsLastAttemptCountedAndCanBeRedelivered() {
        UUID hook = api.createChannel(namespace, "broken-hook", "webhook",
                "{\"urlRef\":\"broken-hook-url\",\"signingSecretRef\":\"hook-key\"}", 3);
        api.subscribe(namespace, hook, List.of("run_failed"), "doomed-pipeline");
        double deadBefore = metric("strata_notifier_deliveries_total{channel=\"webhook\",status=\"dead_lettered\"}");
        EventEnvelope<RunFailed> event = runFailed("doomed-pipeline");
        events.publish(event);

        Map<String, Object> d = awaitFinalDelivery(event.id());
        assertEquals("dead_lettered", d.get("status"));
        assertEquals(3, d.get("attempts"));
        assertEquals(3, d.get("maxAttempts"));
        assertEquals(500, d.get("responseCode"));
        assertEquals("the receiver answered HTTP 500: receiver says 500", d.get("lastError"));
        assertEquals(null, d.get("nextAttemptAt"));
        assertEquals(3, receivers.received(Receivers.BROKEN_PATH).stream()
                .filter(r -> event.id().toString().equals(r.header("X-Strata-Event-Id"))).count());
        assertEquals(deadBefore + 1,
                metric("strata_notifier_deliveries_total{channel=\"webhook\",status=\"dead_lettered\"}"));
        assertTrue(metric("strata_notifier_dead_letters") >= 1);
        UUID id = UUID.fromString((String) d.get("id"));
        given().auth().oauth2(api.token()).queryParam("status", "dead_lettered").get("/api/v1/deliveries").then()
                .statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id.toString()))
                .body("status", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo("dead_lettered")));

        receivers.mode(Receivers.BROKEN_PATH, Receivers.Mode.OK); // the receiver is fixed
        given().auth().oauth2(api.token()).post("/api/v1/deliveries/" + id + "/redeliver").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("pending"));
        Map<String, Object> again = awaitFinalDelivery(event.id());
        assertEquals("delivered", again.get("status"));
        assertEquals(4, again.get("attempts"));
        given().auth().oauth2(api.token()).post("/api/v1/deliveries/" + id + "/redeliver").then().statusCode(409)
                .contentType("application/problem+json");
    }

    private static String sign(String key, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static double metric(String series) {
        String text = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        // the Prometheus text format may end a label set with a comma: {a="1",b="2",}
        return text.lines().map(l -> l.replace(",}", "}")).filter(l -> l.startsWith(series + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst().orElse(0);
    }
}
