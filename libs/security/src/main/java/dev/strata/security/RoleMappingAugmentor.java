package dev.strata.security;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Maps the roles of a token that has no {@code strata_ns} claim (an external issuer such as Keycloak, whose roles come
 * from the tenant's role claim) with {@link Grants#fromRoles}: the grants are kept on the identity for
 * {@link NamespaceAccess}, and the role names held in some namespace are added to the identity's roles, so that
 * {@code @RolesAllowed("engineer")} (the coarse check) passes for a {@code sales:engineer} holder. The namespace check
 * stays with {@link NamespaceAccess}. Tokens of the built-in issuer carry {@code groups} and {@code strata_ns} and are
 * left as they are.
 */
@ApplicationScoped
public class RoleMappingAugmentor implements SecurityIdentityAugmentor {

    /** The identity attribute holding the mapped {@link Grants}. */
    public static final String GRANTS_ATTRIBUTE = "dev.strata.security.grants";

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return Uni.createFrom().item(map(identity));
    }

    static SecurityIdentity map(SecurityIdentity identity) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || jwt.containsClaim(StrataClaims.NAMESPACES)) {
            return identity;
        }
        Grants grants = Grants.fromRoles(identity.getRoles());
        return QuarkusSecurityIdentity.builder(identity)
                .addRoles(grants.roleNames())
                .addAttribute(GRANTS_ATTRIBUTE, grants)
                .build();
    }
}
