package dev.strata.registry.preview;

import java.util.List;

/**
 * The rows ingest set aside for a dataset (contract {@code quarantine}), newest first, with why.
 *
 * @param dataset {@code namespace.name}
 * @param table   the quarantine table read, {@code <pg namespace>__quarantine.<name>}
 * @param total   how many rows it holds in all
 * @param rows    at most {@code limit} of them, newest first
 * @param limit   the limit applied
 */
public record Quarantine(String dataset, String table, long total, List<QuarantinedRow> rows, int limit) {
}
