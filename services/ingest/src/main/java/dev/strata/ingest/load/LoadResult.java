package dev.strata.ingest.load;

import java.util.List;

import dev.strata.events.DatasetColumn;

/**
 * What a committed load did.
 *
 * @param rows          rows the load wrote
 * @param bytes         bytes read from the source
 * @param quarantined   rows sent to the quarantine table
 * @param discarded     rows dropped (contract discard_row)
 * @param tableRows     rows in the table after the load
 * @param columns       the table's schema after the load
 * @param rawLocation   the load's folder in the lake, {@code s3://bucket/raw/<ns>/<name>/<load id>/}
 * @param table         the warehouse table, {@code schema.table}
 * @param alreadyLoaded true when this load id had been committed before and nothing was done now
 * @param notes         what a person should know, e.g. a column whose type the file no longer matches
 */
public record LoadResult(long rows, long bytes, long quarantined, long discarded, long tableRows,
        List<DatasetColumn> columns, String rawLocation, String table, boolean alreadyLoaded, List<String> notes) {
}
