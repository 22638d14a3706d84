package dev.strata.auth.access;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.auth.config.SecretsConfig;
import dev.strata.auth.namespace.NamespaceRepository;
import dev.strata.web.ProblemException;

/**
 * The checks of a namespace-scoped endpoint: a namespace the caller cannot read answers 404 as if it did not exist; a
 * role too low for the action answers 403. Resolving secrets is for the platform's worker service accounts only.
 */
@ApplicationScoped
public class NamespaceScope {

    private final NamespaceRepository namespaces;
    private final SecretsConfig config;

    NamespaceScope(NamespaceRepository namespaces, SecretsConfig config) {
        this.namespaces = namespaces;
        this.config = config;
    }

    /** Refuses unless the namespace exists and the caller holds at least {@code needed} in it. */
    public void require(Caller caller, Role needed, String namespace, String action) {
        if (!caller.canRead(namespace) || !namespaces.exists(namespace)) {
            throw ProblemException.notFound("No namespace named '" + namespace + "' that you can read.");
        }
        if (!caller.can(needed, namespace)) {
            throw ProblemException.forbidden("To " + action + " in namespace '" + namespace + "' you need the role "
                    + needed.claimValue() + " there; you have " + caller.roleIn(namespace).map(Role::claimValue)
                            .orElse("none")
                    + ".");
        }
    }

    /**
     * Refuses unless the caller is one of the resolver service accounts ({@code strata.secrets.resolvers}) bound on
     * {@code *} (a binding only an admin of every namespace can grant), and the namespace exists.
     */
    public void requireResolver(Caller caller, String namespace) {
        boolean resolver = caller.kind() == PrincipalKind.SERVICE_ACCOUNT && caller.readsEveryNamespace()
                && config.resolvers().stream()
                        .anyMatch(n -> caller.subject().equals(Caller.SERVICE_ACCOUNT_PREFIX + n));
        if (!resolver) {
            throw ProblemException.forbidden("Only the platform's worker service accounts (strata.secrets.resolvers) "
                    + "may resolve connections and secrets.");
        }
        if (!namespaces.exists(namespace)) {
            throw ProblemException.notFound("No namespace named '" + namespace + "'.");
        }
    }
}
