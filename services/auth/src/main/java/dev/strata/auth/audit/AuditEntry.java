package dev.strata.auth.audit;

import java.time.Instant;
import java.util.Map;

/** One line of the audit log: who did what, to what, when, from where. */
public record AuditEntry(long id, Instant at, String actor, String action, String target, String namespace,
        Map<String, Object> details, String sourceIp, String requestId) {
}
