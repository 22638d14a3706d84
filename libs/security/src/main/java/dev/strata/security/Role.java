package dev.strata.security;

import java.util.Locale;

/**
 * Strata's roles, ordered: each one can do what the ones before it can. {@code viewer} reads; {@code analyst} also
 * previews data and runs ad-hoc queries; {@code engineer} also writes, triggers and pushes projects; {@code admin}
 * also manages users, bindings and reads the audit log.
 */
public enum Role {
    VIEWER,
    ANALYST,
    ENGINEER,
    ADMIN;

    /** The names used in tokens and {@code @RolesAllowed}. */
    public static final String VIEWER_NAME = "viewer";
    public static final String ANALYST_NAME = "analyst";
    public static final String ENGINEER_NAME = "engineer";
    public static final String ADMIN_NAME = "admin";

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String value) {
        if (value != null) {
            for (Role role : values()) {
                if (role.id().equalsIgnoreCase(value.strip())) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException("unknown role '" + value + "': use viewer, analyst, engineer or admin");
    }

    public static Role max(Role a, Role b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.atLeast(b) ? a : b;
    }
}
