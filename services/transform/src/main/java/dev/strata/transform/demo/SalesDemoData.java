package dev.strata.transform.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;

/**
 * Runs the sales demo's raw-data generator ({@code docs/examples/sales/data/generate_raw.sql}) at a scale, through
 * JDBC, so that no psql is needed. The tables land in the namespace's raw schema ({@code <namespace>__raw}): the
 * script names its tables without a schema and runs with that schema alone on the search path, on a connection of the
 * namespace's role, so it can neither create nor drop anything elsewhere.
 *
 * <pre>
 * STRATA_WAREHOUSE_USERNAME=... STRATA_WAREHOUSE_PASSWORD=... STRATA_WAREHOUSE_ROLE_KEY=... \
 *   java -cp ... dev.strata.transform.demo.SalesDemoData jdbc:postgresql://127.0.0.1:5432/warehouse sales 10
 * </pre>
 */
public final class SalesDemoData {

    private SalesDemoData() {
    }

    /** Generates the raw tables in {@code namespace}'s raw schema, on {@code c} (a connection of its role). */
    public static void generate(Connection c, String namespace, Path script, double scale)
            throws SQLException, IOException {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        String sql = Files.readString(script).replace(":scale", Double.toString(scale));
        StringBuilder statement = new StringBuilder();
        try (Statement s = c.createStatement()) {
            s.execute("set search_path to " + NamespaceRoles.quote(Namespaces.schema(namespace, "raw")));
            try {
                for (String line : sql.split("\n")) {
                    if (line.strip().startsWith("--")) {
                        continue;
                    }
                    statement.append(line).append('\n');
                    if (line.strip().endsWith(";")) {
                        s.execute(statement.toString());
                        statement.setLength(0);
                    }
                }
            } finally {
                s.execute("reset search_path");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SalesDemoData <warehouse jdbc url> <namespace> <scale> [generate_raw.sql]"
                    + " (the warehouse admin from STRATA_WAREHOUSE_USERNAME / _PASSWORD, the role key from"
                    + " STRATA_WAREHOUSE_ROLE_KEY)");
            System.exit(2);
        }
        Path script = Path.of(args.length > 3 ? args[3] : "docs/examples/sales/data/generate_raw.sql");
        NamespaceRoles roles = new NamespaceRoles(args[0], System.getenv("STRATA_WAREHOUSE_USERNAME"),
                System.getenv("STRATA_WAREHOUSE_PASSWORD"), System.getenv("STRATA_WAREHOUSE_ROLE_KEY"));
        try (Connection c = roles.open(args[1])) {
            generate(c, args[1], script, Double.parseDouble(args[2]));
        }
        System.out.println("customers, products, orders, order_lines generated in "
                + Namespaces.schema(args[1], "raw") + " at scale " + args[2]);
    }
}
