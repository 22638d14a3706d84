package dev.strata.transform.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs the sales demo's raw-data generator ({@code docs/examples/sales/data/generate_raw.sql}) at a scale, through
 * JDBC, so that no psql is needed:
 *
 * <pre>
 * java -cp ... dev.strata.transform.demo.SalesDemoData jdbc:postgresql://127.0.0.1:5432/warehouse postgres 10
 * </pre>
 */
public final class SalesDemoData {

    private SalesDemoData() {
    }

    public static void generate(Connection c, Path script, double scale) throws SQLException, IOException {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        String sql = Files.readString(script).replace(":scale", Double.toString(scale));
        StringBuilder statement = new StringBuilder();
        try (Statement s = c.createStatement()) {
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
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SalesDemoData <warehouse jdbc url> <user> <scale> [generate_raw.sql]"
                    + " (password from PGPASSWORD)");
            System.exit(2);
        }
        Path script = Path.of(args.length > 3 ? args[3] : "docs/examples/sales/data/generate_raw.sql");
        try (Connection c = DriverManager.getConnection(args[0], args[1], System.getenv("PGPASSWORD"))) {
            generate(c, script, Double.parseDouble(args[2]));
        }
        System.out.println("raw.customers, raw.products, raw.orders, raw.order_lines generated at scale " + args[2]);
    }
}
