package dev.strata.registry.preview;

import java.time.Instant;
import java.util.UUID;

/**
 * One row a load set aside, in a {@link Quarantine}.
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
public record QuarantinedRow(UUID loadId, String file, long line, String column, String value, String reason,
        String record,
        Instant quarantinedAt) {
}
