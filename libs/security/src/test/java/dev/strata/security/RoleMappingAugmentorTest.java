package dev.strata.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

class RoleMappingAugmentorTest {

    @Test
    void aNamespacedExternalRolePassesTheCoarseCheckButOnlyItsNamespace() {
        SecurityIdentity identity = RoleMappingAugmentor.map(identity(Map.of("sub", "k-123"),
                "sales:engineer", "viewer", "offline_access", "default-roles-strata"));

        // @RolesAllowed("engineer") passes; the IdP's own roles stay as they were
        assertTrue(identity.hasRole("engineer"));
        assertTrue(identity.hasRole("viewer"));
        assertTrue(identity.hasRole("offline_access"));
        assertFalse(identity.hasRole("admin"));

        NamespaceAccess access = new NamespaceAccess(identity);
        assertEquals(Map.of("sales", Role.ENGINEER, "*", Role.VIEWER), access.grants().byNamespace());
        access.require("sales", Role.ENGINEER);
        ForbiddenException forbidden = assertThrows(ForbiddenException.class,
                () -> access.require("hr", Role.ENGINEER));
        assertEquals("this needs the engineer role in namespace 'hr'", forbidden.getMessage());
        assertTrue(access.readable().all());
        assertEquals(Set.of("sales"), access.scope(Role.ENGINEER).namespaces());
    }

    @Test
    void anExternalUserWithoutStrataRolesGetsNothing() {
        SecurityIdentity identity = RoleMappingAugmentor.map(identity(Map.of("sub", "k-456"), "offline_access"));
        assertEquals(Set.of("offline_access"), identity.getRoles());
        NamespaceAccess access = new NamespaceAccess(identity);
        assertEquals(Grants.NONE, access.grants());
        assertTrue(access.readable().isEmpty());
        assertThrows(NotFoundException.class, () -> access.require("sales", Role.VIEWER));
    }

    @Test
    void builtInTokensWithNamespaceGrantsAreLeftAsTheyAre() {
        SecurityIdentity original = identity(Map.of("sub", "u-1", StrataClaims.NAMESPACES, Map.of("sales", "viewer")),
                "viewer");
        SecurityIdentity identity = RoleMappingAugmentor.map(original);
        assertSame(original, identity);
        // the granted namespaces come from strata_ns, never from the role names
        assertEquals(Map.of("sales", Role.VIEWER), new NamespaceAccess(identity).grants().byNamespace());
    }

    private static SecurityIdentity identity(Map<String, Object> claims, String... roles) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new Token(claims))
                .addRoles(Set.of(roles))
                .build();
    }

    private record Token(Map<String, Object> claims) implements JsonWebToken {

        @Override
        public String getName() { return (String) claims.get("sub"); }

        @Override
        public Set<String> getClaimNames() { return claims.keySet(); }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return (T) claims.get(claimName);
        }
    }
}
