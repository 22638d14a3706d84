package dev.strata.notifier.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.databind.JsonNode;

import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.secret.Secrets;
import dev.strata.notifier.web.Access;
import dev.strata.security.Role;
import dev.strata.security.client.ResolvedConnection;
import dev.strata.web.Problem;
import dev.strata.web.ProblemException;

@ApplicationScoped
public class ChannelService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
    private static final String MASK = "********";
    private static final int MAX_ATTEMPTS_LIMIT = 50;

    private final ChannelRepository channels;
    private final ChannelTypes types;
    private final Secrets secrets;
    private final Access access;
    private final NotifierConfig config;

    ChannelService(ChannelRepository channels, ChannelTypes types, Secrets secrets, Access access,
            NotifierConfig config) {
        this.channels = channels;
        this.types = types;
        this.secrets = secrets;
        this.access = access;
        this.config = config;
    }

    public List<ChannelView> list(String namespace) {
        String[] readable = access.readable();
        String[] filter = readable;
        if (namespace != null) {
            if (readable != null && !List.of(readable).contains(namespace)) {
                return List.of();
            }
            filter = new String[]{namespace};
        }
        if (filter != null && filter.length == 0) {
            return List.of();
        }
        return channels.list(filter).stream().map(this::view).toList();
    }

    public ChannelView get(UUID id) {
        return view(read(id, Role.VIEWER));
    }

    public ChannelView create(ChannelRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("The request needs a body: {namespace, name, type, settings}.");
        }
        String namespace = required(request.namespace(), "namespace");
        access.require(namespace, Role.ENGINEER, "namespace '" + namespace + "'");
        NotificationChannel plugin = checked(request);
        Channel channel = new Channel(UUID.randomUUID(), namespace, request.name(), plugin.type(), request.settings(),
                request.maxAttempts(), access.principal(), null, null);
        channels.insert(channel);
        return get(channel.id());
    }

    public ChannelView update(UUID id, ChannelRequest request) {
        Channel existing = read(id, Role.ENGINEER);
        if (request == null) {
            throw ProblemException.badRequest("The request needs a body: {name, type, settings}.");
        }
        if (request.namespace() != null && !request.namespace().equals(existing.namespace())) {
            throw ProblemException.badRequest("namespace: a channel cannot move to another namespace; create a new "
                    + "one there");
        }
        if (request.type() != null && !request.type().equals(existing.type())) {
            throw ProblemException.badRequest("type: a " + existing.type() + " channel cannot become "
                    + request.type() + "; create a new channel");
        }
        ChannelRequest full = new ChannelRequest(existing.namespace(), request.name(), existing.type(),
                request.settings(), request.maxAttempts());
        checked(full);
        channels.update(id, full.name(), full.settings(), full.maxAttempts());
        return get(id);
    }

    public void delete(UUID id) {
        read(id, Role.ENGINEER);
        channels.delete(id);
    }

    /** Sends a sample notification now, outside the delivery log, and says how it went. */
    public TestResult test(UUID id) {
        Channel channel = read(id, Role.ENGINEER);
        NotificationChannel plugin = types.get(channel.type());
        List<String> names = plugin.check(channel.settings());
        SendResult result;
        Secrets namespaceSecrets = secrets.in(channel.namespace());
        try {
            result = plugin.send(channel.settings(), namespaceSecrets, Notification.test(channel.namespace(),
                    channel.name()), UUID.randomUUID());
        } catch (Secrets.MissingSecretException e) {
            result = SendResult.failed(null, e.getMessage());
        }
        List<String> values = new ArrayList<>(names.stream().map(namespaceSecrets::value)
                .flatMap(Optional::stream).toList());
        String connection = connectionName(channel.settings());
        if (connection != null) {
            try {
                namespaceSecrets.connection(connection).ifPresent(c -> values.addAll(c.secrets().values()));
            } catch (Secrets.MissingSecretException e) {
                // not resolved: nothing of it can be in the answer
            }
        }
        return new TestResult(result.delivered(), result.responseCode(), Secrets.mask(result.error(), values));
    }

    /** The channel, checked for the caller's role in its namespace (404 when it cannot read it). */
    public Channel read(UUID id, Role needed) {
        String what = "channel " + id;
        Channel channel = channels.find(id).orElseThrow(() -> ProblemException.notFound(what + " does not exist, "
                + "or you cannot read its namespace"));
        access.require(channel.namespace(), needed, what);
        return channel;
    }

    private NotificationChannel checked(ChannelRequest request) {
        String name = required(request.name(), "name");
        if (!NAME.matcher(name).matches()) {
            throw ProblemException.badRequest("name: use letters, digits, '-' and '_' (at most 100), starting with a "
                    + "letter or digit");
        }
        String type = required(request.type(), "type");
        NotificationChannel plugin = types.find(type).orElseThrow(() -> ProblemException.badRequest(
                "type: '" + type + "' is not a channel type; use one of " + types.known()));
        if (request.maxAttempts() != null
                && (request.maxAttempts() < 1 || request.maxAttempts() > MAX_ATTEMPTS_LIMIT)) {
            throw ProblemException.badRequest("maxAttempts: must be between 1 and " + MAX_ATTEMPTS_LIMIT);
        }
        List<String> names;
        try {
            names = plugin.check(request.settings());
        } catch (NotificationChannel.InvalidSettingsException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
        Secrets namespaceSecrets = secrets.in(request.namespace());
        connectionExists(request, plugin, namespaceSecrets);
        for (String secret : names) {
            if (namespaceSecrets.value(secret).isEmpty()) {
                throw ProblemException.badRequest("settings: secret '" + secret + "' is not set; set "
                        + namespaceSecrets.whereToSet(secret) + " first");
            }
        }
        try {
            plugin.checkTarget(request.settings(), namespaceSecrets);
        } catch (NotificationChannel.InvalidSettingsException e) {
            throw ProblemException.badRequest(e.getMessage());
        } catch (Secrets.MissingSecretException e) {
            // secrets were checked above: what is missing is in the named connection (e.g. its signing key)
            throw unresolved("settings.connection: " + e.getMessage());
        }
        return plugin;
    }

    /**
     * A channel naming a whole connection ({@code settings.connection}): it must exist in the channel's namespace and be
     * of the channel's kind (422 naming the field); 503 when the auth service cannot say now.
     */
    private static void connectionExists(ChannelRequest request, NotificationChannel plugin, Secrets namespaceSecrets) {
        String name = connectionName(request.settings());
        if (name == null) {
            return;
        }
        Optional<ResolvedConnection> connection;
        try {
            connection = namespaceSecrets.connection(name);
        } catch (Secrets.MissingSecretException e) {
            throw new ProblemException(Status.SERVICE_UNAVAILABLE, "connections-unavailable", "settings.connection: "
                    + e.getMessage() + "; try again");
        }
        if (connection.isEmpty()) {
            throw unresolved("settings.connection: connection '" + name + "' does not exist in namespace '"
                    + request.namespace() + "'; create it first (PUT /api/v1/namespaces/" + request.namespace()
                    + "/connections/" + name + " at the auth service, kind " + plugin.connectionKind() + ")");
        }
        if (!plugin.connectionKind().equals(connection.get().kind())) {
            throw unresolved("settings.connection: connection '" + name + "' of namespace '" + request.namespace()
                    + "' is a " + connection.get().kind() + " connection; " + Settings.article(plugin.type())
                    + " channel needs a " + plugin.connectionKind() + " connection");
        }
    }

    private static String connectionName(JsonNode settings) {
        JsonNode name = settings == null ? null : settings.get("connection");
        return name != null && name.isTextual() ? name.asText() : null;
    }

    private static ProblemException unresolved(String detail) {
        return new ProblemException(new Problem(Problem.TYPE_PREFIX + "unresolved-reference", "Unprocessable Content",
                422, detail));
    }

    private ChannelView view(Channel c) {
        List<String> names;
        try {
            names = types.get(c.type()).check(c.settings());
        } catch (RuntimeException e) {
            names = List.of();
        }
        Secrets scoped = secrets.in(c.namespace());
        List<ChannelView.SecretRef> refs = names.stream()
                .map(n -> new ChannelView.SecretRef(n, isSet(scoped, n), MASK)).toList();
        int maxAttempts = c.maxAttempts() != null ? c.maxAttempts() : config.delivery().maxAttempts();
        return new ChannelView(c.id(), c.namespace(), c.name(), c.type(), c.settings(), refs, maxAttempts,
                c.createdBy(), c.createdAt(), c.updatedAt());
    }

    /** Whether the channel's namespace or the operator has the secret (false when it cannot be read now). */
    private static boolean isSet(Secrets scoped, String name) {
        try {
            return scoped.value(name).isPresent();
        } catch (Secrets.MissingSecretException e) {
            return false;
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest(field + ": is required");
        }
        return value;
    }

    /** How a test-send went; {@code error} never holds a secret. */
    public record TestResult(boolean delivered, Integer responseCode, String error) {
    }
}
