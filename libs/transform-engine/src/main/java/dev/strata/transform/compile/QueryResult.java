package dev.strata.transform.compile;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code run_query} / {@code statement}, shaped like dbt's agate table: {@code rows} (each a list,
 * also by column name through {@code row_dict}), {@code columns} (each with {@code name} and {@code values()}),
 * {@code column_names}, iterable over its rows. At most {@link #MAX_ROWS} rows are kept.
 */
public final class QueryResult implements Iterable<List<Object>> {

    static final int MAX_ROWS = 10_000;

    private final List<String> columnNames;
    private final List<List<Object>> rows;
    private final String response;

    private QueryResult(List<String> columnNames, List<List<Object>> rows, String response) {
        this.columnNames = columnNames;
        this.rows = rows;
        this.response = response;
    }

    /** Runs {@code sql} on the build's connection; a database error fails the template with its message. */
    static QueryResult run(Connection connection, String sql, boolean fetch) {
        try (Statement st = connection.createStatement()) {
            boolean hasRows = st.execute(sql);
            if (!hasRows || !fetch) {
                return new QueryResult(List.of(), List.of(), "OK " + Math.max(0, st.getUpdateCount()));
            }
            try (ResultSet rs = st.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    names.add(md.getColumnLabel(i));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    if (rows.size() == MAX_ROWS) {
                        throw new IllegalArgumentException("run_query: the query returned more than " + MAX_ROWS
                                + " rows");
                    }
                    List<Object> row = new ArrayList<>(names.size());
                    for (int i = 1; i <= names.size(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
                return new QueryResult(names, rows, "SELECT " + rows.size());
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("run_query / statement failed: " + e.getMessage(), e);
        }
    }

    public List<List<Object>> getRows() { return rows; }

    public List<String> getColumn_names() { return columnNames; }

    public List<Column> getColumns() {
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < columnNames.size(); i++) {
            out.add(new Column(columnNames.get(i), i));
        }
        return out;
    }

    /** The rows as dicts by column name. */
    public List<Map<String, Object>> row_dicts() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columnNames.size(); i++) {
                m.put(columnNames.get(i), row.get(i));
            }
            out.add(m);
        }
        return out;
    }

    @Override
    public Iterator<List<Object>> iterator() {
        return rows.iterator();
    }

    Map<String, Object> asLoadResult() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("response", response);
        out.put("data", rows);
        out.put("table", this);
        return out;
    }

    /** One column of the table. */
    public final class Column {
        private final String name;
        private final int index;

        Column(String name, int index) {
            this.name = name;
            this.index = index;
        }

        public String getName() { return name; }

        public List<Object> values() {
            List<Object> out = new ArrayList<>(rows.size());
            for (List<Object> row : rows) {
                out.add(row.get(index));
            }
            return out;
        }
    }
}
