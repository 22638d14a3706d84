package dev.strata.transform.run;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.postgresql.PGConnection;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.Relation;

/**
 * Loads a seed CSV with COPY: first as text columns, then typed as dbt-postgres types them, into a table built aside
 * and swapped in. dbt infers each column with agate (dbt-common {@code clients/agate_helper.py}
 * {@code build_type_tester}: Integer, Number, Date {@code %Y-%m-%d}, DateTime, ISO datetime, Boolean
 * {@code true/false}, else Text; {@code ''} and {@code null} are nulls) and maps them with dbt-adapters
 * {@code sql/impl.py}: integers {@code integer}, numbers with decimals {@code float8} (without: {@code integer}),
 * {@code boolean}, {@code date}, {@code timestamp without time zone}, {@code text}. Where dbt would fail (an integer
 * beyond {@code integer}'s range) the column is {@code bigint}. The seed's {@code column_types} config wins.
 */
public final class SeedLoader {

    private SeedLoader() {
    }

    public static long load(Connection c, CompiledModel seed, String csv) throws SQLException {
        List<String> header = header(csv);
        if (header.isEmpty()) {
            throw new SQLException(seed.file() + ": the CSV has no header line");
        }
        String raw = Materializer.aside(seed.identifier(), "__strata_csv");
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists pg_temp." + Relation.quote(raw));
            s.execute("create temporary table " + Relation.quote(raw) + " (" + header.stream()
                    .map(h -> Relation.quote(h) + " text").collect(Collectors.joining(", ")) + ")");
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy " + Relation.quote(raw)
                    + " from stdin with (format csv, header true)", new StringReader(csv));
        } catch (IOException e) {
            throw new SQLException(seed.file() + ": " + e.getMessage(), e);
        }
        List<String> select = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (String col : header) {
                String q = Relation.quote(col);
                Object given = columnTypes(seed).get(col);
                if (given != null) {
                    select.add("nullif(nullif(" + q + ", ''), 'null')::" + given + " as " + q);
                    continue;
                }
                String probe = "select bool_and(" + q + " ~ '^[-+]?[0-9]{1,18}$'), bool_and(" + q
                        + " ~ '^[-+]?[0-9]*\\.?[0-9]+$'), bool_and(lower(" + q + ") in ('true','false')), bool_and("
                        + q + " ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'), bool_and(" + q
                        + " ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$'), count(" + q
                        + "), bool_and(case when " + q + " ~ '^[-+]?[0-9]{1,18}$' then " + q + "::bigint between"
                        + " -2147483648 and 2147483647 else true end) from " + Relation.quote(raw)
                        + " where " + q + " not in ('', 'null')";
                String type = "text";
                try (ResultSet rs = s.executeQuery(probe)) {
                    rs.next();
                    if (rs.getLong(6) > 0) {
                        type = rs.getBoolean(1)
                                ? rs.getBoolean(7) ? "integer" : "bigint"
                                : rs.getBoolean(2)
                                        ? "float8"
                                        : rs.getBoolean(3)
                                                ? "boolean"
                                                : rs.getBoolean(4) ? "date" : rs.getBoolean(5) ? "timestamp" : "text";
                    }
                }
                select.add("nullif(nullif(" + q + ", ''), 'null')::" + type + " as " + q);
            }
        }
        String tmp = Materializer.aside(seed.identifier(), "__strata_tmp");
        long rows;
        try (Statement s = c.createStatement()) {
            s.execute("drop table if exists " + Relation.quote(seed.schema()) + "." + Relation.quote(tmp));
            rows = s.executeUpdate("create table " + Relation.quote(seed.schema()) + "." + Relation.quote(tmp)
                    + " as select " + String.join(", ", select) + " from " + Relation.quote(raw));
            s.execute("drop table " + Relation.quote(raw));
        }
        Materializer.swap(c, seed, tmp);
        return rows;
    }

    /** The seed's {@code column_types: {column: type}} config. */
    private static Map<?, ?> columnTypes(CompiledModel seed) {
        return seed.config().get("column_types") instanceof Map<?, ?> m ? m : Map.of();
    }

    static List<String> header(String csv) {
        int end = csv.indexOf('\n');
        String line = (end < 0 ? csv : csv.substring(0, end)).replace("\r", "").replace("\uFEFF", "");
        List<String> cols = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == ',' && !quoted) {
                cols.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (!line.isBlank()) {
            cols.add(cur.toString().strip());
        }
        return cols;
    }
}
