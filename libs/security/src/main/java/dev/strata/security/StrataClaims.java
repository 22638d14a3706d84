package dev.strata.security;

/** Names in Strata access tokens (docs/adr/0003-identity-and-access.md). */
public final class StrataClaims {

    /** Namespace → role; {@code *} means every namespace. */
    public static final String NAMESPACES = "strata_ns";
    /** Every role held in any namespace, for {@code @RolesAllowed}. */
    public static final String GROUPS = "groups";
    /** The audience every Strata access token carries. */
    public static final String AUDIENCE = "strata";
    /** The namespace binding that covers all namespaces. */
    public static final String ALL_NAMESPACES = "*";

    private StrataClaims() {
    }
}
