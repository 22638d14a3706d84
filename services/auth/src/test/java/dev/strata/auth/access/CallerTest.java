package dev.strata.auth.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CallerTest {

    private final Caller caller = new Caller("7d3f0c55-9a5e-4f57-9c55-0b0f8b6e7a11", "ann", PrincipalKind.USER,
            Map.of("sales", Role.ENGINEER, "*", Role.VIEWER));

    @Test
    void theRoleInANamespaceIsTheHigherOfItsBindingAndTheStarBinding() {
        assertEquals(Optional.of(Role.ENGINEER), caller.roleIn("sales"));
        assertEquals(Optional.of(Role.VIEWER), caller.roleIn("hr"));
        assertTrue(caller.can(Role.ANALYST, "sales"));
        assertFalse(caller.can(Role.ANALYST, "hr"));
        assertFalse(caller.isGlobalAdmin());
        assertTrue(caller.readsEveryNamespace());
    }

    @Test
    void groupsHoldEveryRoleUpToTheHighest() {
        assertEquals(List.of("viewer", "analyst", "engineer"), caller.groups());
    }

    @Test
    void withoutAStarBindingOnlyBoundNamespacesAreReadable() {
        Caller scoped = new Caller("7d3f0c55-9a5e-4f57-9c55-0b0f8b6e7a11", "bo", PrincipalKind.USER,
                Map.of("b", Role.VIEWER, "a", Role.ADMIN));
        assertFalse(scoped.readsEveryNamespace());
        assertArrayEquals(new String[]{"a", "b"}, scoped.boundNamespaces());
        assertFalse(scoped.canRead("c"));
        assertEquals("bo", scoped.actor());
        assertEquals("sa:etl", new Caller("sa:etl", "etl", PrincipalKind.SERVICE_ACCOUNT, Map.of()).actor());
    }
}
