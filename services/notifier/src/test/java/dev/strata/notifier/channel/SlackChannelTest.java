package dev.strata.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.notifier.channel.slack.SlackChannel;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.testing.Receivers;

class SlackChannelTest extends ChannelConformanceTest {

    private final SlackChannel slack = new SlackChannel(TIMEOUT, GUARD);

    @Override
    protected NotificationChannel channel() {
        return slack;
    }

    @Override
    protected ObjectNode workingSettings() {
        return object("{\"webhookUrlRef\":\"slack-url\"}");
    }

    @Override
    protected ObjectNode failingSettings() {
        return object("{\"webhookUrlRef\":\"broken-hook-url\"}");
    }

    @Override
    protected ObjectNode towardsTheTrap() {
        return object("{\"webhookUrlRef\":\"trap-url\"}");
    }

    @Override
    protected String requiredSecretSetting() {
        return "webhookUrlRef";
    }

    @Override
    protected Optional<String> receivedFor(UUID deliveryId) {
        // Slack gets no delivery id: the newest message on the Slack path is the one just sent
        var got = receivers.received(Receivers.SLACK_PATH);
        return got.isEmpty() ? Optional.empty() : Optional.of(got.get(got.size() - 1).text());
    }

    @Test
    void theMessageIsBlockKitWithPipelineStatusDurationFailedTaskErrorAndRunLink() {
        Notification n = runFailed();
        JsonNode m = slack.message(n);
        assertEquals("FAILED: pipeline orders-daily run " + n.runId() + " in namespace sales", m.path("text").asText());
        JsonNode blocks = m.path("blocks");
        assertEquals("header", blocks.path(0).path("type").asText());
        assertEquals(":x: FAILED: pipeline orders-daily run " + n.runId() + " in namespace sales",
                blocks.path(0).path("text").path("text").asText());
        JsonNode fields = blocks.path(1).path("fields");
        assertEquals("*Pipeline*\nsales/orders-daily", fields.path(0).path("text").asText());
        assertEquals("*Status*\nfailed", fields.path(1).path("text").asText());
        assertEquals("*Duration*\n1m 1s", fields.path(2).path("text").asText());
        assertEquals("*Failed task*\nload_orders", fields.path(3).path("text").asText());
        assertEquals("*Error*\n```line 4127, column `amount`: 'abc' is not a number```",
                blocks.path(2).path("text").path("text").asText());
        assertEquals("http://strata.test/ui/namespaces/sales/runs/" + n.runId(),
                blocks.path(3).path("elements").path(0).path("url").asText());
    }

    @Test
    void slackControlCharactersInAnErrorAreEscaped() {
        UUID runId = UUID.randomUUID();
        Notification n = new Notification(UUID.randomUUID(), "run_failed", "sales", "p", runId, "failed", 5L, "t",
                "<!channel> a & b > c", null, null, null, null, null, null, null, null, java.time.Instant.now(), null);
        assertEquals("*Error*\n```&lt;!channel&gt; a &amp; b &gt; c```",
                slack.message(n).path("blocks").path(2).path("text").path("text").asText());
    }
}
