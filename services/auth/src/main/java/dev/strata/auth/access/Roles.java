package dev.strata.auth.access;

/** Role names for {@code @RolesAllowed} (the {@code groups} claim holds a role and every role below it). */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String ANALYST = "analyst";
    public static final String ENGINEER = "engineer";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
