package dev.strata.auth.access;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles of ADR 0003, ordered: each one can do everything the ones before it can. (Defined here until
 * {@code libs/security} is shared by every service.)
 */
public enum Role {
    VIEWER,
    ANALYST,
    ENGINEER,
    ADMIN;

    /** The name in tokens, bindings and the API: {@code viewer}, {@code analyst}, ... */
    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    /** This role and every role below it: what {@code groups} holds for it, so {@code @RolesAllowed} sees the order. */
    public List<Role> withImplied() {
        return Arrays.asList(values()).subList(0, ordinal() + 1);
    }

    public static Optional<Role> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(r -> r.claimValue().equals(value.trim().toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    public static Role higher(Role a, Role b) {
        if (a == null) {
            return b;
        }
        return b == null || a.atLeast(b) ? a : b;
    }
}
