package dev.strata.registry.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A column of a dataset: its name in the warehouse table, its PostgreSQL type and what it means.
 *
 * @param name        the column name, e.g. {@code amount}
 * @param type        the PostgreSQL type, e.g. {@code bigint}, {@code numeric(12,2)}, {@code timestamptz}
 * @param description what it means, for people; optional
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Column(String name, String type, String description) {
}
