package dev.strata.auth.connection;

import java.time.Instant;
import java.util.Map;

/** A connection as anyone who may read the namespace sees it: its settings and the NAMES of its secrets. */
public record ConnectionView(String namespace, String name, String kind, Map<String, Object> settings,
        Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {
}
