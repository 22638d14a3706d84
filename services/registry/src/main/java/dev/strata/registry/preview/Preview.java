package dev.strata.registry.preview;

import java.util.List;

import dev.strata.events.DatasetColumn;

/**
 * The first rows of a dataset's warehouse table.
 *
 * @param dataset {@code namespace.name}
 * @param table   the warehouse table read, {@code <pg namespace>__<layer>.<name>}
 * @param columns the table's columns in order, with their PostgreSQL types
 * @param rows    one array per row, values in column order: numbers and booleans as JSON, everything else as
 *                PostgreSQL's text form, NULL as null
 * @param limit   the limit applied
 */
public record Preview(String dataset, String table, List<DatasetColumn> columns, List<List<Object>> rows, int limit) {
}
