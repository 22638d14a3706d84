package dev.strata.events;

import java.util.Map;
import java.util.Objects;

/**
 * Something a service did in the data plane on someone's behalf, for the audit log: a {@code sql} task's statement, a
 * build, a load, a share granted or revoked. The auth service writes it into the one audit log, where admins of the
 * namespace read it. Subject: the namespace.
 *
 * @param actor     who asked for it: a user, a service account, or {@code scheduler:<pipeline>} for a scheduled run
 * @param action    what was done, {@code <area>.<verb>}, e.g. {@code sql.executed}, {@code dataset.shared}
 * @param target    what it was done to, e.g. a table, a dataset or a run id
 * @param namespace the namespace it happened in
 * @param details   more about it (never a secret, a password or a token), e.g. the SQL text, rows, duration
 */
public record AuditRecorded(String actor, String action, String target, String namespace,
        Map<String, String> details) implements StrataEvent {

    public static final String TYPE = "dev.strata.audit.recorded.v1";

    public AuditRecorded {
        Objects.requireNonNull(actor, "actor is required");
        Objects.requireNonNull(action, "action is required");
        Objects.requireNonNull(namespace, "namespace is required");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
