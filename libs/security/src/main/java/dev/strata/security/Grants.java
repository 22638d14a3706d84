package dev.strata.security;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a principal may do, per namespace: its role in namespace N is the higher of its binding on N and its binding
 * on {@code *}.
 */
public record Grants(Map<String, Role> byNamespace) {

    public static final Grants NONE = new Grants(Map.of());

    /** The optional prefix of a global role name from an external issuer ({@code strata-engineer}). */
    public static final String ROLE_PREFIX = "strata-";

    public Grants {
        byNamespace = Collections.unmodifiableMap(new LinkedHashMap<>(byNamespace));
    }

    /**
     * Reads the {@code strata_ns} claim: a JSON object from namespace to role name. Unknown roles are ignored (a newer
     * issuer must not grant more than this service understands).
     */
    public static Grants fromClaim(Map<String, ?> claim) {
        if (claim == null || claim.isEmpty()) {
            return NONE;
        }
        Map<String, Role> grants = new LinkedHashMap<>();
        claim.forEach((namespace, value) -> {
            if (namespace == null || value == null) {
                return;
            }
            try {
                grants.merge(namespace, Role.parse(unquote(value.toString())), Role::max);
            } catch (IllegalArgumentException ignored) {
                // not a role we know: grants nothing
            }
        });
        return new Grants(grants);
    }

    /**
     * Reads the role names of a token without a {@code strata_ns} claim, such as the realm roles of an external issuer
     * (Keycloak's {@code realm_access/roles}): {@code engineer} (or {@code strata-engineer}) is that role in every
     * namespace, {@code sales:engineer} is that role in namespace {@code sales}. Anything else is ignored: an identity
     * provider has roles of its own ({@code offline_access}, {@code default-roles-*}) that grant nothing here.
     */
    public static Grants fromRoles(Collection<String> roles) {
        if (roles == null || roles.isEmpty()) {
            return NONE;
        }
        Map<String, Role> grants = new LinkedHashMap<>();
        for (String value : roles) {
            if (value == null) {
                continue;
            }
            String name = value.strip();
            String namespace = StrataClaims.ALL_NAMESPACES;
            int colon = name.lastIndexOf(':');
            if (colon >= 0) {
                namespace = name.substring(0, colon).strip();
                name = name.substring(colon + 1);
            } else if (name.startsWith(ROLE_PREFIX)) {
                name = name.substring(ROLE_PREFIX.length());
            }
            if (namespace.isEmpty()) {
                continue;
            }
            try {
                grants.merge(namespace, Role.parse(name), Role::max);
            } catch (IllegalArgumentException ignored) {
                // not a Strata role: grants nothing
            }
        }
        return grants.isEmpty() ? NONE : new Grants(grants);
    }

    /** Every role held in some namespace, by name: what {@code @RolesAllowed} checks (the {@code groups} claim). */
    public Set<String> roleNames() {
        Set<String> names = new TreeSet<>();
        byNamespace.values().forEach(role -> names.add(role.id()));
        return names;
    }

    public Optional<Role> roleIn(String namespace) {
        return Optional.ofNullable(Role.max(byNamespace.get(namespace), byNamespace.get(StrataClaims.ALL_NAMESPACES)));
    }

    public boolean allows(String namespace, Role needed) {
        return roleIn(namespace).map(role -> role.atLeast(needed)).orElse(false);
    }

    /** Whether the principal holds {@code needed} in every namespace (a binding on {@code *}). */
    public boolean allowsEverywhere(Role needed) {
        Role all = byNamespace.get(StrataClaims.ALL_NAMESPACES);
        return all != null && all.atLeast(needed);
    }

    /** The named namespaces where the principal holds at least {@code needed} (without the {@code *} binding). */
    public Set<String> namespaces(Role needed) {
        Set<String> result = new TreeSet<>();
        byNamespace.forEach((namespace, role) -> {
            if (!StrataClaims.ALL_NAMESPACES.equals(namespace) && role.atLeast(needed)) {
                result.add(namespace);
            }
        });
        return result;
    }

    /** The highest role held anywhere, if any. */
    public Optional<Role> highest() {
        return byNamespace.values().stream().reduce(Role::max);
    }

    private static String unquote(String value) {
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
