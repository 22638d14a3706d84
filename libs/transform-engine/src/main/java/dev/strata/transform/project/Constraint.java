package dev.strata.transform.project;

import java.util.List;

/**
 * A dbt model contract constraint (dbt 1.5+, docs.getdbt.com/reference/resource-properties/constraints), as written in
 * a model's yml: at model level ({@code constraints:} beside {@code columns:}) or under a column.
 *
 * @param type            {@code not_null}, {@code unique}, {@code primary_key}, {@code check}, {@code foreign_key} or
 *                        {@code custom}
 * @param column          the column it is written under, {@code null} at model level
 * @param columns         the columns it is on (model level; the column itself at column level)
 * @param name            the constraint's name, or {@code null}
 * @param expression      its SQL ({@code check}, {@code custom}, a {@code foreign_key}'s {@code references ...}), or
 *                        {@code null}
 * @param to              a foreign key's parent: {@code ref('m')} or {@code source('s', 't')}, or {@code null}
 * @param toColumns       the parent's columns
 * @param warnUnsupported dbt's {@code warn_unsupported} (default true)
 * @param file            the yml file
 * @param line            its line there
 */
public record Constraint(String type, String column, List<String> columns, String name, String expression, String to,
        List<String> toColumns, boolean warnUnsupported, String file, int line) {
}
