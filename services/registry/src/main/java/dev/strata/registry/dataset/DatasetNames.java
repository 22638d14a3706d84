package dev.strata.registry.dataset;

import java.util.List;
import java.util.regex.Pattern;

import dev.strata.web.ProblemException;

/**
 * The identity rules of datasets and where their data lives in the warehouse.
 *
 * <p>
 * A dataset {@code <namespace>.<name>} of layer {@code L} is the warehouse table {@code L.<namespace>__<name>}
 * (database {@code warehouse}, schema = the layer), e.g. raw-layer {@code sales.orders} is {@code raw.sales__orders}.
 * Namespaces follow the auth service's rule (lower-case letters, digits, '-'); names are lower-case letters, digits and
 * '_' and may not contain {@code __}, so the table name maps back to exactly one dataset. The table name fits
 * PostgreSQL's 63 characters.
 */
public final class DatasetNames {

    public static final List<String> LAYERS = List.of("raw", "bronze", "silver", "gold");
    private static final java.util.regex.Pattern WAREHOUSE_TABLE = java.util.regex.Pattern
            .compile("[a-z_][a-z0-9_$]{0,62}\\.[a-z_][a-z0-9_$]{0,62}");

    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final int MAX_TABLE_NAME = 63;

    private DatasetNames() {
    }

    /** The warehouse table of a dataset, {@code <layer>.<namespace>__<name>}, unquoted. */
    public static String warehouseTable(String layer, String namespace, String name) {
        return layer + "." + tableName(namespace, name);
    }

    /**
     * The {@code schema.table} of a warehouse location as producers report it in {@code DatasetUpdated.rawLocation}
     * ({@code postgresql://warehouse/gold.daily_sales}); empty for any other location (an {@code s3://} raw copy) or
     * for a name that is not two plain identifiers.
     */
    public static java.util.Optional<String> warehouseTableOf(String location) {
        String prefix = "postgresql://warehouse/";
        if (location == null || !location.startsWith(prefix)) {
            return java.util.Optional.empty();
        }
        String table = location.substring(prefix.length());
        return WAREHOUSE_TABLE.matcher(table).matches() ? java.util.Optional.of(table) : java.util.Optional.empty();
    }

    /** The table name within the layer's schema. */
    public static String tableName(String namespace, String name) {
        return namespace + "__" + name;
    }

    public static void requireNamespace(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw ProblemException.badRequest("Namespace '" + printable(namespace) + "' is not valid: use 1 to 63 "
                    + "lower-case letters, digits or '-', starting with a letter or digit.");
        }
    }

    public static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("__") || name.endsWith("_")) {
            throw ProblemException.badRequest("Dataset name '" + printable(name) + "' is not valid: use lower-case "
                    + "letters, digits and single '_' between them, starting with a letter (e.g. 'orders', "
                    + "'daily_sales').");
        }
    }

    /** Checks namespace, name, and that their warehouse table name fits PostgreSQL's limit. */
    public static void requireIdentity(String namespace, String name) {
        requireNamespace(namespace);
        requireName(name);
        if (tableName(namespace, name).length() > MAX_TABLE_NAME) {
            throw ProblemException.badRequest("'" + namespace + "." + name + "' is too long: its warehouse table '"
                    + tableName(namespace, name) + "' would exceed PostgreSQL's " + MAX_TABLE_NAME
                    + " characters; shorten the name.");
        }
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
        if (value == null) {
            return "";
        }
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 80 ? clean : clean.substring(0, 77) + "...";
    }
}
