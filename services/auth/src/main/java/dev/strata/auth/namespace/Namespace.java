package dev.strata.auth.namespace;

import java.time.Instant;

/** A namespace: the unit of ownership and access of Strata's objects. */
public record Namespace(String name, Instant createdAt) {
}
