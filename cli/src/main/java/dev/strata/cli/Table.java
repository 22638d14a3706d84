package dev.strata.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/** Rows of a JSON answer as an aligned text table, one column per field a person reads first. */
final class Table {

    record Column(String header, Function<JsonNode, String> value) {
    }

    private final List<Column> columns = new ArrayList<>();

    Table column(String header, Function<JsonNode, String> value) {
        columns.add(new Column(header, value));
        return this;
    }

    /** A column showing one field as text ({@code -} when absent). */
    Table field(String header, String field) {
        return column(header, node -> text(node.path(field)));
    }

    static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "-";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    void print(PrintWriter out, Iterable<JsonNode> rows) {
        List<String[]> cells = new ArrayList<>();
        String[] header = columns.stream().map(Column::header).toArray(String[]::new);
        cells.add(header);
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> oneLine(c.value().apply(row))).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(line[i]);
                if (i < line.length - 1) {
                    text.append(" ".repeat(widths[i] - line[i].length() + 2));
                }
            }
            out.println(text.toString().stripTrailing());
        }
        out.flush();
    }

    private static String oneLine(String value) {
        String line = value == null ? "-" : value.replaceAll("\\s+", " ");
        return line.length() > 100 ? line.substring(0, 99) + "…" : line;
    }
}
