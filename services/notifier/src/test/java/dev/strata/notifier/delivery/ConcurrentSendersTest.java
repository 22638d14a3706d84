package dev.strata.notifier.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.events.EventEnvelope;
import dev.strata.events.RunFailed;
import dev.strata.notifier.channel.ChannelTypes;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.secret.Secrets;
import dev.strata.notifier.testing.Await;
import dev.strata.notifier.testing.Events;
import dev.strata.notifier.testing.InjectReceivers;
import dev.strata.notifier.testing.NotifierApi;
import dev.strata.notifier.testing.Receivers;
import dev.strata.notifier.testing.ReceiversResource;

/**
 * Three senders (the service's own and two more, as other replicas would run them) claim from one delivery log: each
 * notification reaches the receiver exactly once and each delivery took exactly one attempt.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@WithTestResource(ReceiversResource.class)
@Order(3)
class ConcurrentSendersTest {

    private static final int EVENTS = 60;

    @InjectDevStack
    DevStack stack;

    @InjectReceivers
    Receivers receivers;

    @Inject
    DeliveryRepository deliveries;

    @Inject
    ChannelTypes types;

    @Inject
    Secrets secrets;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    NotifierConfig config;

    @Test
    void replicasNeverSendTheSameDeliveryTwice() throws Exception {
        String namespace = "replicas-" + UUID.randomUUID().toString().substring(0, 8);
        NotifierApi api = new NotifierApi(new IssuerClient(stack.auth()).tokenFor(Map.of(namespace, "engineer")));
        UUID slack = api.createChannel(namespace, "busy", "slack", "{\"webhookUrlRef\":\"slack-url\"}", null);
        api.subscribe(namespace, slack, List.of("run_failed"), null);

        List<DeliverySender> replicas = List.of(new DeliverySender(deliveries, types, secrets, metrics, config),
                new DeliverySender(deliveries, types, secrets, metrics, config));
        replicas.forEach(r -> r.start(null));
        List<String> eventIds = new ArrayList<>();
        try (Events events = new Events(stack.kafka().bootstrapServers())) {
            for (int i = 0; i < EVENTS; i++) {
                UUID runId = UUID.randomUUID();
                var event = EventEnvelope.of("/strata/scheduler", runId.toString(),
                        new RunFailed(runId, namespace, "pipeline-" + i, "t", "boom " + i, i));
                events.publish(event);
                eventIds.add(event.id().toString());
                if (i % 10 == 0) {
                    replicas.forEach(DeliverySender::wakeUp);
                }
            }
            Await.until("every delivery of " + namespace + " delivered", () -> count(namespace, "delivered"),
                    n -> n == EVENTS);
        } finally {
            replicas.forEach(r -> r.stop(null));
        }

        assertEquals(EVENTS, count(namespace, "delivered"));
        assertEquals(EVENTS, sum(namespace), "one attempt per delivery");
        Map<String, Long> posts = receivers.received(Receivers.SLACK_PATH).stream()
                .map(r -> eventIds.stream().filter(id -> r.text().contains(id)).findFirst().orElse(null))
                .filter(id -> id != null)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        assertEquals(eventIds.stream().collect(Collectors.toMap(id -> id, id -> 1L)), posts,
                "each notification POSTed exactly once");
    }

    private long count(String namespace, String status) {
        return query("SELECT count(*) FROM notifier.delivery WHERE namespace = ? AND status = ?", namespace, status);
    }

    private long sum(String namespace) {
        return query("SELECT coalesce(sum(attempts), 0) FROM notifier.delivery WHERE namespace = ?", namespace);
    }

    private long query(String sql, String... params) {
        try (Connection db = stack.postgres().connect(PostgresServer.METADATA_DB);
                PreparedStatement q = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setString(i + 1, params[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
