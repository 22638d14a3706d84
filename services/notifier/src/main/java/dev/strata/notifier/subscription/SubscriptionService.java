package dev.strata.notifier.subscription;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.notifier.channel.Channel;
import dev.strata.notifier.channel.ChannelRepository;
import dev.strata.notifier.notification.EventKind;
import dev.strata.notifier.web.Access;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

@ApplicationScoped
public class SubscriptionService {

    private final SubscriptionRepository subscriptions;
    private final ChannelRepository channels;
    private final Access access;

    SubscriptionService(SubscriptionRepository subscriptions, ChannelRepository channels, Access access) {
        this.subscriptions = subscriptions;
        this.channels = channels;
        this.access = access;
    }

    public List<Subscription> list(String namespace, UUID channelId) {
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
        return subscriptions.list(filter, channelId);
    }

    public Subscription get(UUID id) {
        return read(id, Role.VIEWER);
    }

    public Subscription create(SubscriptionRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("The request needs a body: {namespace, channelId, eventTypes}.");
        }
        if (request.namespace() == null || request.namespace().isBlank()) {
            throw ProblemException.badRequest("namespace: is required");
        }
        access.require(request.namespace(), Role.ENGINEER, "namespace '" + request.namespace() + "'");
        Subscription s = checked(UUID.randomUUID(), request.namespace(), request);
        subscriptions.insert(s);
        return get(s.id());
    }

    public Subscription update(UUID id, SubscriptionRequest request) {
        Subscription existing = read(id, Role.ENGINEER);
        if (request == null) {
            throw ProblemException.badRequest("The request needs a body: {channelId, eventTypes}.");
        }
        if (request.namespace() != null && !request.namespace().equals(existing.namespace())) {
            throw ProblemException.badRequest("namespace: a subscription cannot move to another namespace");
        }
        subscriptions.update(checked(id, existing.namespace(), request));
        return get(id);
    }

    public void delete(UUID id) {
        read(id, Role.ENGINEER);
        subscriptions.delete(id);
    }

    private Subscription read(UUID id, Role needed) {
        String what = "subscription " + id;
        Subscription s = subscriptions.find(id).orElseThrow(() -> ProblemException.notFound(what + " does not "
                + "exist, or you cannot read its namespace"));
        access.require(s.namespace(), needed, what);
        return s;
    }

    private Subscription checked(UUID id, String namespace, SubscriptionRequest request) {
        if (request.channelId() == null) {
            throw ProblemException.badRequest("channelId: is required");
        }
        Channel channel = channels.find(request.channelId()).filter(c -> c.namespace().equals(namespace))
                .orElseThrow(() -> ProblemException.badRequest("channelId: there is no channel " + request.channelId()
                        + " in namespace '" + namespace + "'"));
        if (request.eventTypes() == null || request.eventTypes().isEmpty()) {
            throw ProblemException.badRequest("eventTypes: name at least one of " + EventKind.subscribable());
        }
        List<String> types = new ArrayList<>(new LinkedHashSet<>(request.eventTypes()));
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            if (EventKind.parse(type).isEmpty()) {
                throw ProblemException.badRequest("eventTypes[" + i + "]: '" + type + "' is not an event type; use "
                        + EventKind.subscribable());
            }
        }
        String pipeline = blankToNull(request.pipelineId());
        String dataset = blankToNull(request.dataset());
        return new Subscription(id, namespace, channel.id(), types, pipeline, dataset,
                request.enabled() == null || request.enabled(), access.principal(), null);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
