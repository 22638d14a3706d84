package dev.strata.transform.quality;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.strata.transform.compile.CompiledTest;
import dev.strata.transform.compile.Relation;

/**
 * Runs a data test: counts the rows its query returns and, when there are any, keeps up to {@code limit} of them in
 * the namespace's quarantine schema ({@code <ns>__quarantine}, table {@code <project>__<test>}) for people to look at.
 */
public final class DataTestRunner {

    private DataTestRunner() {
    }

    /** Failing rows (0: the test passes). */
    public static long run(Connection c, String quarantineSchema, String project, CompiledTest test, int limit)
            throws SQLException {
        long failing;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from (\n" + test.sql() + "\n) as strata_test")) {
            rs.next();
            failing = rs.getLong(1);
        }
        String table = Relation.quote(quarantineSchema) + "." + Relation.quote(quarantineTable(project, test));
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists " + table);
            if (failing > 0 && limit > 0) {
                s.execute("create table " + table + " as select * from (\n" + test.sql() + "\n) as strata_test limit "
                        + limit);
            }
        }
        return failing;
    }

    public static String quarantineTable(String project, CompiledTest test) {
        String name = project + "__" + test.test().id();
        return name.length() <= 63 ? name : name.substring(0, 54) + "_" + Integer.toHexString(name.hashCode());
    }
}
