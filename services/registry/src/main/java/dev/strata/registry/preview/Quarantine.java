package dev.strata.registry.preview;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The rows ingest set aside for a dataset (contract {@code quarantine}), newest first, with why.
 *
 * @param dataset {@code namespace.name}
 * @param table   the quarantine table read, {@code <pg namespace>__quarantine.<name>}
 * @param total   how many rows it holds in all
 * @param rows    at most {@code limit} of them, newest first
 * @param limit   the limit applied
 */
public record Quarantine(String dataset, String table, long total, List<Row> rows, int limit) {

    /**
     * One quarantined row.
     *
     * @param loadId        the load that set it aside
     * @param file          the file it came from
     * @param line          its line in that file
     * @param column        the column whose value did not fit, when one did not
     * @param value         that value
     * @param reason        why, as the load said it
     * @param record        the row's fields as JSON text
     * @param quarantinedAt when
     */
    public record Row(UUID loadId, String file, long line, String column, String value, String reason, String record,
            Instant quarantinedAt) {
    }
}
