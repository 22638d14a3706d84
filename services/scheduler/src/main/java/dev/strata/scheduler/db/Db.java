package dev.strata.scheduler.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/**
 * Plain JDBC on the service's data source. Inside a {@code @Transactional} method every statement runs in that
 * transaction (the connection is enlisted); outside, each statement commits on its own.
 */
@ApplicationScoped
public class Db {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    Db(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = prepare(c, sql, params);
                ResultSet rs = s.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> rows = list(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
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

    /** The first rows of the two statements of {@link #two}; null when a statement found none. */
    public record Two<A, B>(A first, B second) {
    }

    private static <T> T firstRow(ResultSet rs, Row<T> row) throws SQLException {
        try (rs) {
            return rs.next() ? row.map(rs) : null;
        }
    }

    public long count(String sql, Object... params) {
        return one(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    /** Runs an INSERT, UPDATE or DELETE; answers the number of rows it touched. */
    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = prepare(c, sql, params)) {
            return s.executeUpdate();
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

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
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
            } else {
                s.setObject(i + 1, p);
            }
        }
    }
}
