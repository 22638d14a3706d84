package dev.strata.transform.project;

import java.util.Map;

/**
 * A data test: a query returning the failing rows. Either generic (declared in a schema.yml on a model or source
 * column: {@code unique}, {@code not_null}, {@code accepted_values}, {@code relationships} or a user's
 * {@code {% test %}}) or singular (a {@code tests/*.sql} file).
 *
 * @param id       unique name, e.g. {@code not_null_orders_order_id}
 * @param kind     {@code unique}, {@code not_null}, ..., a custom test name, or {@code singular}
 * @param model    the model name, or {@code source.table} when {@code onSource}; {@code null} for singular tests
 * @param onSource whether {@code model} names a source table
 * @param column   the column, or {@code null}
 * @param args     the test's arguments (values, to, field, ...)
 * @param severity {@code error} or {@code warn}
 * @param file     where it is declared
 * @param line     line of the declaration, 0 when unknown
 * @param sql      the Jinja SQL of a singular test, else {@code null}
 */
public record DataTest(String id, String kind, String model, boolean onSource, String column, Map<String, Object> args,
        String severity, String file, int line, String sql) {

    public boolean singular() {
        return sql != null;
    }
}
