package dev.strata.notifier.delivery;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.notifier.channel.ChannelService;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.web.Access;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

@ApplicationScoped
public class DeliveryService {

    private static final Set<String> STATUSES = Set.of(Delivery.PENDING, Delivery.DELIVERED, Delivery.DEAD_LETTERED);
    private static final int MAX_LIMIT = 500;

    private final DeliveryRepository deliveries;
    private final ChannelService channels;
    private final DeliverySender sender;
    private final Access access;
    private final NotifierConfig config;

    DeliveryService(DeliveryRepository deliveries, ChannelService channels, DeliverySender sender, Access access,
            NotifierConfig config) {
        this.deliveries = deliveries;
        this.channels = channels;
        this.sender = sender;
        this.access = access;
        this.config = config;
    }

    public List<Delivery> list(String namespace, String status, UUID channelId, UUID eventId, Integer limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ProblemException.badRequest("status: '" + status + "' is not a delivery status; use pending, "
                    + "delivered or dead_lettered");
        }
        int max = limit == null ? 100 : limit;
        if (max < 1 || max > MAX_LIMIT) {
            throw ProblemException.badRequest("limit: must be between 1 and " + MAX_LIMIT);
        }
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
        return deliveries.list(filter, status, channelId, eventId, max);
    }

    public Delivery get(UUID id) {
        return read(id, Role.VIEWER);
    }

    /** Sends a dead-lettered delivery again, with the channel's number of attempts. */
    public Delivery redeliver(UUID id) {
        Delivery delivery = read(id, Role.ENGINEER);
        if (!Delivery.DEAD_LETTERED.equals(delivery.status())) {
            throw ProblemException.conflict("Only a dead-lettered delivery can be redelivered; this one is "
                    + delivery.status() + ".");
        }
        var channel = channels.read(delivery.channelId(), Role.ENGINEER);
        int attempts = channel.maxAttempts() != null ? channel.maxAttempts() : config.delivery().maxAttempts();
        if (!deliveries.redeliver(id, attempts)) {
            throw ProblemException.conflict("The delivery changed meanwhile; read it again.");
        }
        sender.wakeUp();
        return get(id);
    }

    private Delivery read(UUID id, Role needed) {
        String what = "delivery " + id;
        Delivery d = deliveries.find(id).orElseThrow(() -> ProblemException.notFound(what + " does not exist, or "
                + "you cannot read its namespace"));
        access.require(d.namespace(), needed, what);
        return d;
    }
}
