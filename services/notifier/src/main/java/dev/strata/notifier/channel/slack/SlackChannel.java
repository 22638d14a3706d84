package dev.strata.notifier.channel.slack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.netguard.AddressGuard;
import dev.strata.notifier.channel.HttpPost;
import dev.strata.notifier.channel.NotificationChannel;
import dev.strata.notifier.channel.SendResult;
import dev.strata.notifier.channel.Settings;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.secret.Secrets;
import dev.strata.security.client.ResolvedConnection;

/**
 * Slack through an incoming webhook: a Block Kit message with the pipeline, status, duration, the failed task and its
 * error, and a button to the run. The webhook URL holds Slack's token, so it is a secret: {@code webhookUrlRef}, or the
 * {@code webhookUrlSecret} of a {@code slack} connection of the namespace: {@code connection}.
 */
@Singleton
public class SlackChannel implements NotificationChannel {

    public static final String TYPE = "slack";

    /** Slack's limits: a header's text, a section's text. */
    private static final int HEADER_MAX = 150;
    private static final int SECTION_MAX = 3000;

    /** Settings of a Slack channel. */
    public record SlackSettings(String webhookUrlRef, String connection) {
    }

    private final HttpPost http;
    private final ObjectMapper json = new ObjectMapper();

    private final AddressGuard guard;

    @Inject
    SlackChannel(NotifierConfig config, AddressGuard guard) {
        this(config.delivery().timeout(), guard);
    }

    public SlackChannel(Duration timeout, AddressGuard guard) {
        this.http = new HttpPost(timeout, guard);
        this.guard = guard;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> check(JsonNode settings) {
        SlackSettings s = Settings.read(settings, SlackSettings.class, TYPE);
        List<String> secrets = new ArrayList<>();
        if (s.connection() != null) {
            Map<String, String> replaced = new LinkedHashMap<>();
            replaced.put("webhookUrlRef", s.webhookUrlRef());
            Settings.connectionRef(s.connection(), replaced, "the incoming-webhook URL");
            return secrets;
        }
        Settings.secretRef(s.webhookUrlRef(), "webhookUrlRef", true, secrets);
        return secrets;
    }

    @Override
    public void checkTarget(JsonNode settings, Secrets secrets) {
        SlackSettings s = Settings.read(settings, SlackSettings.class, TYPE);
        Settings.target(url(s, secrets), s.connection() != null ? "connection" : "webhookUrlRef", guard);
    }

    @Override
    public SendResult send(JsonNode settings, Secrets secrets, Notification notification, UUID deliveryId) {
        String url = url(Settings.read(settings, SlackSettings.class, TYPE), secrets);
        return http.post(url, message(notification).toString(), Map.of());
    }

    /** The incoming-webhook URL: the secret {@code webhookUrlRef}, or the {@code slack} connection's. */
    private static String url(SlackSettings s, Secrets secrets) {
        if (s.connection() == null) {
            return secrets.require(s.webhookUrlRef());
        }
        ResolvedConnection c = Settings.connection(s.connection(), TYPE, secrets);
        return Settings.field(c.secret("webhookUrlSecret"), c, "webhookUrlSecret");
    }

    /** The Block Kit message of a notification. */
    public ObjectNode message(Notification n) {
        ObjectNode message = json.createObjectNode();
        message.put("text", n.title()); // the fallback for notifications and old clients
        ArrayNode blocks = message.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(icon(n) + " " + n.title(), HEADER_MAX))
                .put("emoji", true);

        ObjectNode facts = blocks.addObject().put("type", "section");
        ArrayNode fields = facts.putArray("fields");
        if (n.pipelineId() != null) {
            field(fields, "Pipeline", n.namespace() + "/" + n.pipelineId());
        }
        if (n.dataset() != null) {
            field(fields, "Dataset", n.namespace() + "." + n.dataset());
        }
        if (n.pipelineId() == null && n.dataset() == null) {
            field(fields, "Namespace", n.namespace());
        }
        field(fields, "Status", n.status());
        if (n.durationMs() != null) {
            field(fields, "Duration", Notification.human(n.durationMs()));
        }
        if (n.slaMs() != null) {
            field(fields, "SLA", Notification.human(n.slaMs()));
        }
        if (n.failedTask() != null) {
            field(fields, "Failed task", n.failedTask());
        }
        if (n.test() != null) {
            field(fields, "Test", n.test());
        }
        if (n.severity() != null) {
            field(fields, "Severity", n.severity());
        }
        if (n.failingRows() != null) {
            field(fields, "Failing rows", n.failingRows().toString());
        }
        if (n.loadedAt() != null) {
            field(fields, "Last loaded", n.loadedAt().toString());
        }
        if (n.thresholdSeconds() != null) {
            field(fields, "Threshold", Notification.human(n.thresholdSeconds() * 1000));
        }

        if (n.message() != null) {
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                    .put("text", cut(escape(n.message()), SECTION_MAX));
        }

        if (n.error() != null) {
            ObjectNode error = blocks.addObject().put("type", "section");
            String prefix = "*Error*\n```";
            error.putObject("text").put("type", "mrkdwn")
                    .put("text", prefix + cut(escape(n.error()), SECTION_MAX - prefix.length() - 3) + "```");
        }

        if (n.runUrl() != null) {
            ObjectNode actions = blocks.addObject().put("type", "actions");
            ObjectNode button = actions.putArray("elements").addObject().put("type", "button");
            button.putObject("text").put("type", "plain_text").put("text", "Open run");
            button.put("url", n.runUrl());
        }

        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "Strata · event " + n.eventId() + " · " + n.occurredAt());
        return message;
    }

    private static void field(ArrayNode fields, String label, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", "*" + label + "*\n" + cut(escape(value), 1900));
    }

    private static String icon(Notification n) {
        return switch (n.eventType()) {
            case "run_succeeded" -> ":white_check_mark:";
            case "run_failed", "data_test_failed" -> ":x:";
            case "sla_missed", "freshness_breached" -> ":warning:";
            default -> ":bell:";
        };
    }

    /** Slack's mrkdwn escaping: &, < and > are control characters. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
