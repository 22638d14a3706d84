package dev.strata.registry.share;

import java.time.Instant;

/**
 * A namespace's right to read one dataset of another namespace: SELECT on exactly the dataset's warehouse table.
 *
 * @param dataset   {@code namespace.name} of the shared dataset
 * @param namespace the reader namespace
 * @param table     the warehouse table the grant was made on, {@code schema.table}
 * @param grantedBy who shared it (an admin of the dataset's namespace)
 * @param grantedAt when
 */
public record DatasetShare(String dataset, String namespace, String table, String grantedBy, Instant grantedAt) {
}
