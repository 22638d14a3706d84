package dev.strata.auth.audit;

import java.time.Instant;

/** Filters of the audit log; null means any. {@code beforeId} pages backwards from an entry id. */
public record AuditQuery(String actor, String action, String namespace, Instant since, Instant until, Long beforeId,
        int limit) {
}
