package dev.strata.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamespacesTest {

    @ParameterizedTest
    @ValueSource(strings = {"sales", "sales-eu", "team2", "a", "a-b-c", "abcdefghijklmnopqrstuvwxyz1234"})
    void validNames(String ns) {
        assertTrue(Namespaces.isValid(ns), ns);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Sales", "sales_eu", "-sales", "sales-", "sales--eu", "2team", "sales.eu",
            "abcdefghijklmnopqrstuvwxyz12345", "s\u00e4les", "sales eu"})
    void invalidNamesSayTheRule(String ns) {
        assertTrue(Namespaces.problem(ns).orElseThrow().contains("lower-case letters and digits"), ns);
    }

    @Test
    void mapsToPostgresAndBackWithoutAmbiguity() {
        assertEquals("sales_eu", Namespaces.pgName("sales-eu"));
        assertEquals("strata_ns_sales_eu", Namespaces.role("sales-eu"));
        assertEquals("sales_eu__gold", Namespaces.schema("sales-eu", "gold"));
        assertEquals("sales_eu__my_marts", Namespaces.schema("sales-eu", "My_Marts"));
        assertEquals(Optional.of("sales-eu"), Namespaces.namespaceOfSchema("sales_eu__gold"));
        assertEquals(Optional.of("gold"), Namespaces.localSchema("sales_eu__gold"));
        // a schema name with '__' still maps to the namespace before the first '__'
        assertEquals(Optional.of("sales"), Namespaces.namespaceOfSchema("sales__eu__gold"));
        assertEquals(Optional.of("sales-eu"), Namespaces.namespaceOfRole("strata_ns_sales_eu"));
        assertEquals(Optional.empty(), Namespaces.namespaceOfSchema("raw"));
        assertEquals(Optional.empty(), Namespaces.namespaceOfSchema("public"));
        assertEquals("ns/sales-eu/", Namespaces.lakePrefix("sales-eu"));
    }

    @Test
    void schemaNamesAreCheckedAndFitPostgres() {
        assertThrows(IllegalArgumentException.class, () -> Namespaces.schema("sales", "gold\"; drop"));
        assertThrows(IllegalArgumentException.class, () -> Namespaces.schema("sales", "x".repeat(32)));
        String longest = Namespaces.schema("abcdefghijklmnopqrstuvwxyz1234", "x".repeat(31));
        assertEquals(63, longest.length());
        assertFalse(Namespaces.schemaProblem("x".repeat(31)).isPresent());
    }
}
