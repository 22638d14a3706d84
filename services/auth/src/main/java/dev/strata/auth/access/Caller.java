package dev.strata.auth.access;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.strata.web.ProblemException;

/**
 * The authenticated principal of a request, from its access token: who it is and its role per namespace
 * ({@code strata_ns}; {@code *} means every namespace).
 *
 * @param subject {@code sub}: a user id, or {@code sa:<name>} for a service account
 * @param username {@code preferred_username}
 */
public record Caller(String subject, String username, PrincipalKind kind, Map<String, Role> namespaces) {

    /** The namespace of a binding that applies to every namespace. */
    public static final String ALL_NAMESPACES = "*";

    /** Attribute of the {@code SecurityIdentity} that holds the caller. */
    public static final String ATTRIBUTE = "strata.caller";

    public static final String SERVICE_ACCOUNT_PREFIX = "sa:";

    public Caller {
        namespaces = Map.copyOf(namespaces);
    }

    /** How the audit log names this caller: the username, or {@code sa:<name>}. */
    public String actor() {
        return kind == PrincipalKind.SERVICE_ACCOUNT ? subject : username;
    }

    /** The user id, for a user. */
    public Optional<UUID> userId() {
        return kind == PrincipalKind.USER ? Optional.of(UUID.fromString(subject)) : Optional.empty();
    }

    /** The caller's role in a namespace: the higher of its binding there and its binding on {@code *}. */
    public Optional<Role> roleIn(String namespace) {
        return Optional.ofNullable(Role.higher(namespaces.get(namespace), namespaces.get(ALL_NAMESPACES)));
    }

    public boolean can(Role needed, String namespace) {
        return roleIn(namespace).map(r -> r.atLeast(needed)).orElse(false);
    }

    public boolean canRead(String namespace) {
        return can(Role.VIEWER, namespace);
    }

    /** Whether the caller holds a binding on {@code *}: it reads every namespace. */
    public boolean readsEveryNamespace() {
        return namespaces.containsKey(ALL_NAMESPACES);
    }

    /** The namespaces bound by name (not {@code *}): what a caller without a {@code *} binding may read. */
    public String[] boundNamespaces() {
        return namespaces.keySet().stream().filter(n -> !ALL_NAMESPACES.equals(n)).sorted().toArray(String[]::new);
    }

    public boolean isGlobalAdmin() { return can(Role.ADMIN, ALL_NAMESPACES); }

    /** Refuses the request unless the caller is an admin of every namespace ({@code admin} on {@code *}). */
    public void requireGlobalAdmin() {
        if (!isGlobalAdmin()) {
            throw ProblemException.forbidden("Only an admin of every namespace (role admin on '*') may do this.");
        }
    }

    public List<String> groups() {
        return namespaces.values().stream().flatMap(r -> r.withImplied().stream()).distinct().sorted()
                .map(Role::claimValue).toList();
    }
}
