package dev.strata.outbox;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on the database inside the caller's transaction, such as the side effect of handling an event. */
@FunctionalInterface
public interface SqlWork {

    void run(Connection tx) throws SQLException;
}
