package dev.strata.transform.run;

import java.time.Instant;

/**
 * What happened to one step of a build.
 *
 * @param node         model, seed or test name (source {@code source.table} for freshness)
 * @param kind         {@code model}, {@code seed}, {@code test} or {@code freshness}
 * @param status       models: {@code success}, {@code error}, {@code skipped}; tests and freshness: {@code pass},
 *                     {@code warn}, {@code fail}, {@code error}, {@code skipped}
 * @param relation     the warehouse relation written or tested, e.g. {@code "silver"."orders"}
 * @param materialized view, table, incremental, seed; for tests the severity
 * @param rows         rows written (tables, incremental, seeds) or failing rows (tests); {@code null} for views
 * @param durationMs   how long it took
 * @param sql          the SQL that ran
 * @param error        what went wrong, for a person; {@code null} on success
 * @param startedAt    when it started
 * @param dataset      for tests: the dataset it is about
 */
public record NodeResult(String node, String kind, String status, String relation, String materialized, Long rows,
        long durationMs, String sql, String error, Instant startedAt, String dataset) {

    public boolean ok() {
        return status.equals("success") || status.equals("pass") || status.equals("warn");
    }
}
