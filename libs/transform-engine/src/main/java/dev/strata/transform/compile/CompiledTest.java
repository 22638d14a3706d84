package dev.strata.transform.compile;

import java.util.Set;

import dev.strata.transform.project.DataTest;

/**
 * A data test ready to run: a query returning the failing rows.
 *
 * @param test      the declaration
 * @param name      e.g. {@code not_null(order_id)} or the singular test's name
 * @param attachedTo the model it tests (runs right after it), or {@code null} (a source, or a singular test without
 *                  refs)
 * @param dataset   the dataset name events are about (model, source table or the test's first ref)
 * @param refs      the models it reads
 * @param sql       the compiled query
 */
public record CompiledTest(DataTest test, String name, String attachedTo, String dataset, Set<String> refs,
        String sql) {
}
