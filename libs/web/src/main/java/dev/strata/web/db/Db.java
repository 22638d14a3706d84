package dev.strata.web.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * Plain JDBC on the service's data source. Inside a {@code @Transactional} method every statement runs in that
 * transaction (the connection is enlisted); outside, each statement commits on its own, and
 * {@link #inTransaction(Work)} runs several statements that commit together without JTA.
 * <p>
 * Parameters: {@code null}, an {@link Instant} (as {@code timestamptz}), a {@code String[]} or a {@link Collection}
 * (as {@code text[]}), {@link Json} (as {@code jsonb}), or anything the driver takes.
 */
@ApplicationScoped
public class Db {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Statements that run in one transaction on {@code tx}. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection tx) throws SQLException;
    }

    /** Marks a parameter as {@code jsonb}. */
    public record Json(String value) {
    }

    /** The first rows of the two statements of {@link #two}; null when a statement found none. */
    public record Two<A, B>(A first, B second) {
    }

    private final AgroalDataSource dataSource;

    Db(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return list(c, sql, row, params);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> rows = list(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public long count(String sql, Object... params) {
        return one(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    /**
     * Runs two statements in one round trip ({@code "SELECT ...; SELECT ..."}, parameters numbered across both) and maps
     * the first row of each; a field is null when its statement found no row. The second statement runs after the first
     * finished (after its locks were granted) and reads with a snapshot of its own.
     */
    public <A, B> Two<A, B> two(String sql, Row<A> first, Row<B> second, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, params)) {
            s.execute();
            A a = firstRow(s.getResultSet(), first);
            if (!s.getMoreResults()) {
                throw new IllegalArgumentException("expected two statements: " + sql);
            }
            return new Two<>(a, firstRow(s.getResultSet(), second));
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Runs an INSERT, UPDATE or DELETE; answers the number of rows it touched. */
    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, params);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Runs one statement for each row of parameters, as one JDBC batch. */
    public void batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, rows.get(0))) {
            s.addBatch();
            for (int i = 1; i < rows.size(); i++) {
                bind(c, s, rows.get(i));
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    /** A {@code jsonb} parameter. */
    public static Json jsonb(String json) {
        return new Json(json);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    private static <T> T firstRow(ResultSet rs, Row<T> row) throws SQLException {
        try (rs) {
            return rs.next() ? row.map(rs) : null;
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object[] params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            bind(c, s, params);
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void bind(Connection c, PreparedStatement s, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                s.setNull(i + 1, Types.NULL);
            } else if (p instanceof Instant instant) {
                s.setObject(i + 1, instant.atOffset(ZoneOffset.UTC));
            } else if (p instanceof String[] array) {
                s.setArray(i + 1, c.createArrayOf("text", array));
            } else if (p instanceof Collection<?> values) {
                s.setArray(i + 1, c.createArrayOf("text", values.toArray()));
            } else if (p instanceof Json json) {
                s.setObject(i + 1, json.value(), Types.OTHER);
            } else {
                s.setObject(i + 1, p);
            }
        }
    }
}
