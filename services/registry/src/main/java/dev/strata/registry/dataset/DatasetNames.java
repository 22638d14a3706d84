package dev.strata.registry.dataset;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

/**
 * The identity rules of datasets and where their data lives in the warehouse (ADR 0005).
 *
 * <p>
 * A dataset {@code <namespace>.<name>} of layer {@code L} is the table {@code <name>} in the namespace's schema for
 * {@code L}, {@link Namespaces#schema(String, String)}: raw-layer {@code sales.orders} is {@code sales__raw.orders},
 * gold-layer {@code web-shop.kpis} is {@code web_shop__gold.kpis}. The namespace follows the platform's one rule
 * ({@link Namespaces}); a name is lower-case letters, digits and single {@code _}, at most {@value #MAX_NAME}
 * characters (a PostgreSQL identifier).
 */
public final class DatasetNames {

    public static final List<String> LAYERS = List.of("raw", "bronze", "silver", "gold");
    /** The longest dataset name: PostgreSQL's identifier limit, as the name is the table's name. */
    public static final int MAX_NAME = 63;
    private static final String LOCATION_PREFIX = "postgresql://warehouse/";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private DatasetNames() {
    }

    /** The warehouse table of a dataset, {@code <pg namespace>__<layer>.<name>}, unquoted. */
    public static String warehouseTable(String layer, String namespace, String name) {
        return Namespaces.schema(namespace, layer) + "." + name;
    }

    /**
     * A warehouse table as producers report it in {@code DatasetUpdated.rawLocation}
     * ({@code postgresql://warehouse/sales__gold.daily_sales}).
     *
     * @param namespace the namespace its schema belongs to ({@link Namespaces#namespaceOfSchema})
     * @param schema    its Postgres schema, e.g. {@code sales__gold}
     * @param local     the schema's name inside the namespace, e.g. {@code gold}
     * @param table     the table's name
     */
    public record WarehouseLocation(String namespace, String schema, String local, String table) {

        public String qualified() {
            return schema + "." + table;
        }
    }

    /**
     * The warehouse table a location names; empty for any other location (an {@code s3://} raw copy), for a name that
     * is not two plain identifiers, or for a schema that belongs to no namespace.
     */
    public static Optional<WarehouseLocation> warehouseLocationOf(String location) {
        if (location == null || !location.startsWith(LOCATION_PREFIX)) {
            return Optional.empty();
        }
        String qualified = location.substring(LOCATION_PREFIX.length());
        return parseTable(qualified);
    }

    /** {@code schema.table} of a namespace schema, as {@link #warehouseTable} writes it; empty otherwise. */
    public static Optional<WarehouseLocation> parseTable(String qualified) {
        int dot = qualified == null ? -1 : qualified.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String schema = qualified.substring(0, dot);
        String table = qualified.substring(dot + 1);
        if (!identifier(schema) || !identifier(table)) {
            return Optional.empty();
        }
        Optional<String> namespace = Namespaces.namespaceOfSchema(schema);
        return namespace.map(ns -> new WarehouseLocation(ns, schema, Namespaces.localSchema(schema).orElseThrow(),
                table));
    }

    private static boolean identifier(String value) {
        return value.length() <= MAX_NAME && IDENTIFIER.matcher(value).matches();
    }

    public static void requireNamespace(String namespace) {
        Namespaces.problem(namespace).ifPresent(p -> {
            throw ProblemException.badRequest(capitalized(p) + ".");
        });
    }

    public static void requireName(String name) {
        if (name == null || name.length() > MAX_NAME || !NAME.matcher(name).matches() || name.contains("__")
                || name.endsWith("_")) {
            throw ProblemException.badRequest("Dataset name '" + printable(name) + "' is not valid: use 1 to "
                    + MAX_NAME + " lower-case letters, digits and single '_' between them, starting with a letter "
                    + "(e.g. 'orders', 'daily_sales').");
        }
    }

    /** Checks namespace and name; both fit their warehouse schema and table names by construction. */
    public static void requireIdentity(String namespace, String name) {
        requireNamespace(namespace);
        requireName(name);
    }

    public static String requireLayer(String layer) {
        if (layer == null || !LAYERS.contains(layer)) {
            throw ProblemException.badRequest("Unknown layer '" + printable(layer) + "': use raw, bronze, silver or "
                    + "gold.");
        }
        return layer;
    }

    /** Parses {@code namespace.name}. */
    public static String[] parseQualified(String qualified) {
        int dot = qualified == null ? -1 : qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw ProblemException.badRequest("'" + printable(qualified) + "' is not a dataset: write "
                    + "<namespace>.<name>, e.g. 'sales.orders'.");
        }
        String namespace = qualified.substring(0, dot);
        String name = qualified.substring(dot + 1);
        requireIdentity(namespace, name);
        return new String[]{namespace, name};
    }

    /** A value safe to repeat in a message: at most 80 characters, no control characters. */
    public static String printable(String value) {
        return Namespaces.printable(value);
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
