package dev.strata.auth.binding;

import java.time.Instant;
import java.util.UUID;

import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.access.Role;

/** A row of {@code role_binding}, with the principal's name. */
public record RoleBinding(UUID id, PrincipalKind principalKind, UUID principalId, String principalName,
        String namespace, Role role, Instant createdAt) {
}
