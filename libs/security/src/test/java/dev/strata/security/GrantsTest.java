package dev.strata.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class GrantsTest {

    @Test
    void aRoleOnAllNamespacesAppliesEverywhereAndTheHigherBindingWins() {
        Grants grants = Grants.fromClaim(Map.of("sales", "engineer", "*", "viewer", "hr", "viewer"));
        assertEquals(Optional.of(Role.ENGINEER), grants.roleIn("sales"));
        assertEquals(Optional.of(Role.VIEWER), grants.roleIn("finance"));
        assertTrue(grants.allows("sales", Role.ENGINEER));
        assertFalse(grants.allows("finance", Role.ANALYST));
        assertTrue(grants.allowsEverywhere(Role.VIEWER));
        assertFalse(grants.allowsEverywhere(Role.ANALYST));
        assertEquals(Set.of("sales"), grants.namespaces(Role.ENGINEER));
    }

    @Test
    void aNamespaceBindingGrantsNothingElsewhere() {
        Grants grants = Grants.fromClaim(Map.of("a", "admin"));
        assertTrue(grants.allows("a", Role.ADMIN));
        assertFalse(grants.allows("b", Role.VIEWER));
        assertEquals(Optional.empty(), grants.roleIn("b"));
        assertEquals(Set.of(), grants.namespaces(Role.VIEWER).stream().filter("b"::equals)
                .collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void unknownRolesAndEmptyClaimsGrantNothing() {
        assertEquals(Grants.NONE, Grants.fromClaim(null));
        Grants grants = Grants.fromClaim(Map.of("a", "superuser", "b", "\"analyst\""));
        assertFalse(grants.allows("a", Role.VIEWER));
        assertTrue(grants.allows("b", Role.ANALYST));
    }

    @Test
    void rolesAreOrderedAndParsedByName() {
        assertTrue(Role.ADMIN.atLeast(Role.ENGINEER));
        assertTrue(Role.ENGINEER.atLeast(Role.ANALYST));
        assertFalse(Role.VIEWER.atLeast(Role.ANALYST));
        assertEquals(Role.ENGINEER, Role.parse(" Engineer "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.parse("root"));
        assertEquals("unknown role 'root': use viewer, analyst, engineer or admin", e.getMessage());
    }

    @Test
    void externalRolesMapToNamespacesAndUnknownValuesAreIgnored() {
        Grants grants = Grants.fromRoles(List.of("sales:engineer", "viewer", "offline_access", "default-roles-strata",
                "uma_authorization", "hr:superuser", ":admin", "finance:analyst", "finance:viewer"));
        assertEquals(Map.of("sales", Role.ENGINEER, "*", Role.VIEWER, "finance", Role.ANALYST), grants.byNamespace());
        assertTrue(grants.allows("sales", Role.ENGINEER));
        assertFalse(grants.allows("hr", Role.ANALYST));
        assertTrue(grants.allows("hr", Role.VIEWER));
        assertEquals(Set.of("analyst", "engineer", "viewer"), grants.roleNames());
    }

    @Test
    void aPlainOrPrefixedExternalRoleAppliesEverywhere() {
        assertEquals(Map.of("*", Role.ENGINEER), Grants.fromRoles(List.of("engineer")).byNamespace());
        assertEquals(Map.of("*", Role.ADMIN), Grants.fromRoles(List.of("strata-admin", "viewer")).byNamespace());
        assertEquals(Map.of("*", Role.ANALYST), Grants.fromRoles(List.of("*:analyst")).byNamespace());
        assertEquals(Grants.NONE, Grants.fromRoles(List.of("strata-root", "admins", "offline_access")));
        assertEquals(Grants.NONE, Grants.fromRoles(null));
    }
}
