package dev.strata.web.db;

import java.sql.SQLException;

/**
 * A failed SQL statement. Its message carries the database's message and SQL state, never the statement's parameters
 * (they may be secrets or hashes of secrets).
 */
public class DataAccessException extends RuntimeException {

    private static final String UNIQUE_VIOLATION = "23505";

    private final String sqlState;

    public DataAccessException(SQLException cause) {
        super("database error " + cause.getSQLState() + ": " + cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    /** Whether a unique constraint refused the row (someone else created the same thing first). */
    public boolean isUniqueViolation() {
        return UNIQUE_VIOLATION.equals(sqlState);
    }
}
