package dev.strata.auth.serviceaccount;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.strata.auth.binding.NamespaceRole;

/** A service account as the API shows it: never its secret; only the bindings the caller can read. */
public record ServiceAccountView(UUID id, String name, String clientId, boolean disabled, Instant createdAt,
        List<NamespaceRole> bindings) {
}
