package dev.strata.auth.binding;

import java.time.Instant;
import java.util.UUID;

/** A role binding as the API shows it. */
public record RoleBindingView(UUID id, String principalKind, String principal, String namespace, String role,
        Instant createdAt) {

    static RoleBindingView of(RoleBinding b) {
        return new RoleBindingView(b.id(), b.principalKind().value(), b.principalName(), b.namespace(),
                b.role().claimValue(), b.createdAt());
    }
}
