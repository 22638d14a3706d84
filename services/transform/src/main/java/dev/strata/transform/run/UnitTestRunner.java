package dev.strata.transform.run;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.transform.compile.CompiledUnitTest;
import dev.strata.transform.compile.Relation;

/**
 * Runs a unit test as dbt does: each input becomes a CTE of its rows, typed as the relation it stands for (its
 * columns that the test does not give are null), the model's SQL runs over them, and its output is compared with the
 * expected rows as a multiset, on the expected rows' columns only (typed as the model's output). Nothing is written.
 */
public final class UnitTestRunner {

    /** Differing rows shown in the message at most. */
    static final int SHOWN = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param differing rows missing from the output plus rows not expected (0: the test passes)
     * @param message   the diff for a person, {@code null} when it passes
     * @param sql       the query that compared them
     */
    public record Outcome(long differing, String message, String sql) {
    }

    private UnitTestRunner() {
    }

    public static Outcome run(Connection c, CompiledUnitTest t) throws SQLException {
        List<String> ctes = new ArrayList<>();
        for (CompiledUnitTest.Input input : t.inputs()) {
            ctes.add(input.cte() + " as (\n" + inputSql(c, t, input) + "\n)");
        }
        String with = ctes.isEmpty() ? "" : "with " + String.join(",\n", ctes) + "\n";
        String actual = "select * from (\n" + t.sql() + "\n) as __strata_unit";
        Map<String, String> outputTypes = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(with + actual + " limit 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                outputTypes.put(md.getColumnLabel(i), md.getColumnTypeName(i));
            }
        }
        Set<String> columns = new LinkedHashSet<>();
        t.test().expect().forEach(row -> columns.addAll(row.keySet()));
        if (columns.isEmpty()) {
            columns.addAll(outputTypes.keySet()); // expect: rows: [] — the model returns no rows
        }
        List<String> unknown = columns.stream().filter(col -> !outputTypes.containsKey(col)).toList();
        if (!unknown.isEmpty()) {
            return new Outcome(1, t.test().file() + ": unit test " + t.name() + " of model " + t.model() + ": expect"
                    + " names column(s) " + unknown + " that the model does not return (it returns "
                    + outputTypes.keySet() + ")", with + actual);
        }
        List<String> quoted = columns.stream().map(Relation::quote).toList();
        List<String> expectedRows = new ArrayList<>();
        for (Map<String, Object> row : t.test().expect()) {
            expectedRows.add("select " + columns.stream().map(col -> literal(row.get(col), outputTypes.get(col))
                    + " as " + Relation.quote(col)).collect(Collectors.joining(", ")));
        }
        if (expectedRows.isEmpty()) {
            expectedRows.add("select " + columns.stream().map(col -> literal(null, outputTypes.get(col)) + " as "
                    + Relation.quote(col)).collect(Collectors.joining(", ")) + " where false");
        }
        String cols = String.join(", ", quoted);
        String sql = (with.isEmpty() ? "with " : with + ",\n") + "__strata_actual as (select " + cols + " from (\n"
                + t.sql() + "\n) as __strata_unit),\n__strata_expected as (\n" + String.join("\nunion all\n",
                        expectedRows)
                + "\n)\nselect '-' as __strata_diff, * from (select * from __strata_expected except all select * from"
                + " __strata_actual) as missing\nunion all\nselect '+', * from (select * from __strata_actual except"
                + " all select * from __strata_expected) as extra";
        List<String> lines = new ArrayList<>();
        long differing = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> names = new ArrayList<>(columns);
            while (rs.next()) {
                if (differing++ < SHOWN) {
                    StringBuilder line = new StringBuilder(rs.getString(1)).append(" {");
                    for (int i = 0; i < names.size(); i++) {
                        line.append(i == 0 ? "" : ", ").append(names.get(i)).append(": ").append(rs.getString(i + 2));
                    }
                    lines.add(line.append('}').toString());
                }
            }
        }
        if (differing == 0) {
            return new Outcome(0, null, sql);
        }
        return new Outcome(differing, t.test().file() + ": unit test " + t.name() + " of model " + t.model()
                + " failed: " + differing + " row" + (differing == 1 ? "" : "s") + " differ (- expected but not"
                + " returned, + returned but not expected)" + (differing > SHOWN ? ", the first " + SHOWN : "")
                + ":\n" + String.join("\n", lines), sql);
    }

    /**
     * An input's rows: typed as the columns of the relation it stands for when that exists (as dbt reads them from
     * the warehouse; the columns not given are null), else as the values are written.
     */
    private static String inputSql(Connection c, CompiledUnitTest t, CompiledUnitTest.Input input)
            throws SQLException {
        Map<String, String> types = Materializer.typedColumns(c, Relation.quote(input.schema()) + "." + Relation.quote(
                input.identifier()));
        Set<String> columns = new LinkedHashSet<>(types.keySet());
        input.rows().forEach(row -> columns.addAll(row.keySet()));
        if (columns.isEmpty()) {
            throw new SQLException("input " + input.input() + " has no rows and " + Relation.quote(input.schema())
                    + "." + Relation.quote(input.identifier()) + " does not exist to give its columns; build it first"
                    + " or give a row");
        }
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> row : input.rows()) {
            rows.add("select " + columns.stream().map(col -> literal(row.get(col), types.get(col)) + " as "
                    + Relation.quote(col)).collect(Collectors.joining(", ")));
        }
        if (rows.isEmpty()) {
            rows.add("select " + columns.stream().map(col -> literal(null, types.get(col)) + " as " + Relation.quote(
                    col)).collect(Collectors.joining(", ")) + " where false");
        }
        return String.join("\nunion all\n", rows);
    }

    /** A value cast to {@code type}; without a type a number or boolean as written, anything else as text. */
    static String literal(Object value, String type) {
        if (value == null) {
            return type == null ? "null" : "cast(null as " + type + ")";
        }
        String text;
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                text = JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                text = String.valueOf(value);
            }
        } else {
            text = String.valueOf(value);
        }
        if (type == null) {
            return value instanceof Number || value instanceof Boolean ? text : quote(text) + "::text";
        }
        return "cast(" + quote(text) + " as " + type + ")";
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
