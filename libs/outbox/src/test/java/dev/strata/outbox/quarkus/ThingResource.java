package dev.strata.outbox.quarkus;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.logging.MDC;

import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.Tracing;

/** A service endpoint as services write them: a change whose event goes through the outbox. */
@Path("/things")
public class ThingResource {

    private final EventCodec codec = new EventCodec();

    @Inject
    ThingService things;

    /** Changes the thing and answers the event id and the trace id the request's log lines carry. */
    @POST
    @Path("{key}")
    @Produces(MediaType.TEXT_PLAIN)
    public String change(@PathParam("key") String key) {
        EventEnvelope<DatasetUpdated> envelope = EventEnvelope.of("/strata/test", key,
                new DatasetUpdated("sales", key, UUID.randomUUID(), 1, 1, UUID.randomUUID(), "s3://x/", null,
                        List.of()));
        things.change(key, 1, OutboxMessage.of(envelope, codec));
        return envelope.id() + " " + MDC.get(Tracing.MDC_TRACE_ID);
    }
}
