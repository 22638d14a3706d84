package dev.strata.events;

import java.util.Objects;

/**
 * One column of a dataset version's schema, as carried by {@link DatasetUpdated}.
 *
 * @param name the column name in the warehouse table
 * @param type the PostgreSQL type, e.g. {@code bigint}, {@code numeric}, {@code timestamptz}, {@code text}
 */
public record DatasetColumn(String name, String type) {
    public DatasetColumn {
        Objects.requireNonNull(name, "name is required");
        Objects.requireNonNull(type, "type is required");
    }
}
