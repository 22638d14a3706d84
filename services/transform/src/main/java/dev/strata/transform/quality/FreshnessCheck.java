package dev.strata.transform.quality;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import dev.strata.transform.compile.Relation;
import dev.strata.transform.project.SourceTable;

/** dbt's source freshness: how old is the newest {@code loaded_at_field}, against the warn and error thresholds. */
public final class FreshnessCheck {

    /**
     * @param loadedAt newest load time, {@code null} when the table is empty
     * @param status   {@code pass}, {@code warn} or {@code error}
     * @param threshold the threshold breached, in seconds (0 on pass)
     */
    public record Result(Instant loadedAt, String status, long threshold) {
    }

    private FreshnessCheck() {
    }

    public static boolean applies(SourceTable table) {
        return table.loadedAtField() != null && (table.warnAfterSecs() > 0 || table.errorAfterSecs() > 0);
    }

    public static Result check(Connection c, SourceTable table, Instant now) throws SQLException {
        String sql = "select max(" + table.loadedAtField() + ")::timestamptz from " + Relation.quote(table.schema())
                + "." + Relation.quote(table.identifier());
        Instant loadedAt;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            Timestamp ts = rs.getTimestamp(1);
            loadedAt = ts == null ? null : ts.toInstant();
        }
        long age = loadedAt == null ? Long.MAX_VALUE : Duration.between(loadedAt, now).getSeconds();
        if (table.errorAfterSecs() > 0 && age > table.errorAfterSecs()) {
            return new Result(loadedAt, "error", table.errorAfterSecs());
        }
        if (table.warnAfterSecs() > 0 && age > table.warnAfterSecs()) {
            return new Result(loadedAt, "warn", table.warnAfterSecs());
        }
        return new Result(loadedAt, "pass", 0);
    }
}
