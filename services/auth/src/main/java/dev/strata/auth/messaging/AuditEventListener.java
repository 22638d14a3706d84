package dev.strata.auth.messaging;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

import dev.strata.auth.audit.AuditRepository;
import dev.strata.events.AuditRecorded;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;
import dev.strata.outbox.quarkus.EventConsumers;

/**
 * Writes what the data-plane services report ({@link AuditRecorded} on {@value Topics#AUDIT_EVENTS}) into the one audit
 * log, so the admins of a namespace read loads, builds, {@code sql} statements and shares beside sign-ins and grants.
 * The consumer loop, its commit, retry and dead-letter policy are libs/outbox's {@link EventConsumers}: each entry
 * commits with the event's processed mark, so it is written once.
 */
@ApplicationScoped
public class AuditEventListener implements EventConsumers.Handler {

    static final String CONSUMER = "auth.audit-events";
    private static final int MAX_DETAIL = 4096;

    private final String group;
    private final EventConsumers consumers;
    private final AuditRepository audit;

    AuditEventListener(@ConfigProperty(name = "strata.auth.audit-consumer-group", defaultValue = "auth") String group,
            EventConsumers consumers, AuditRepository audit) {
        this.group = group;
        this.consumers = consumers;
        this.audit = audit;
    }

    void onStart(@Observes StartupEvent event) {
        consumers.start(CONSUMER, group, List.of(Topics.AUDIT_EVENTS), this);
    }

    @Override
    public boolean accepts(EventEnvelope<?> event) {
        return event.data() instanceof AuditRecorded;
    }

    @Override
    public Runnable handle(EventEnvelope<?> event, Connection tx) {
        AuditRecorded entry = (AuditRecorded) event.data();
        Map<String, Object> details = new LinkedHashMap<>();
        entry.details().forEach((k, v) -> details.put(k, v != null && v.length() > MAX_DETAIL
                ? v.substring(0, MAX_DETAIL) + "..."
                : v));
        details.put("source", event.source());
        audit.insert(entry.actor(), entry.action(), entry.target(), entry.namespace(), details, null,
                event.id().toString());
        return null;
    }
}
