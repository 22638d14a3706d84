package dev.strata.security;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonObject;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Namespace checks for the current request. The grants come from the token's {@code strata_ns} claim (the built-in
 * issuer), or else from its roles as mapped by {@link RoleMappingAugmentor} ({@code engineer} everywhere,
 * {@code sales:engineer} in {@code sales}). Lists and searches filter with {@link #readable()}; a get of an object
 * in a namespace the caller cannot read answers 404 (its existence is not revealed); a write without the role answers
 * 403 when the caller can read the namespace, 404 otherwise.
 */
@RequestScoped
public class NamespaceAccess {

    private final SecurityIdentity identity;
    private Grants grants;

    NamespaceAccess(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Grants grants() {
        if (grants == null) {
            grants = identity.isAnonymous() ? Grants.NONE : readGrants();
        }
        return grants;
    }

    public String principal() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }

    /** Which namespaces a list or search may show: every one, or only these. */
    public Scope readable() {
        return scope(Role.VIEWER);
    }

    public Scope scope(Role needed) {
        Grants g = grants();
        return g.allowsEverywhere(needed) ? Scope.ALL : new Scope(false, g.namespaces(needed));
    }

    /** Throws 404 when the caller cannot read {@code namespace}, 403 when it can but lacks {@code needed}. */
    public void require(String namespace, Role needed) {
        Grants g = grants();
        if (!g.allows(namespace, Role.VIEWER)) {
            throw new NotFoundException();
        }
        if (!g.allows(namespace, needed)) {
            throw new ForbiddenException("this needs the " + needed.id() + " role in namespace '" + namespace + "'");
        }
    }

    private Grants readGrants() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            Object claim = jwt.getClaim(StrataClaims.NAMESPACES);
            if (claim instanceof JsonObject json) {
                return Grants.fromClaim(json);
            }
            if (claim instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) map;
                return Grants.fromClaim(typed);
            }
        }
        // tokens without namespace grants (an external issuer): roles mapped by RoleMappingAugmentor
        if (identity.getAttribute(RoleMappingAugmentor.GRANTS_ATTRIBUTE) instanceof Grants mapped) {
            return mapped;
        }
        return Grants.fromRoles(identity.getRoles());
    }

    /** The namespaces a query may touch. */
    public record Scope(boolean all, Set<String> namespaces) {

        public static final Scope ALL = new Scope(true, Set.of());

        public boolean includes(String namespace) {
            return all || namespaces.contains(namespace);
        }

        public boolean isEmpty() { return !all && namespaces.isEmpty(); }
    }
}
