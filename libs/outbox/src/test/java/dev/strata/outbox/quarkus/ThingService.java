package dev.strata.outbox.quarkus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;

import dev.strata.outbox.IdempotentConsumer;
import dev.strata.outbox.OutboxMessage;

/** A service method as services write them: the state change and its event in one {@code @Transactional} method. */
@ApplicationScoped
public class ThingService {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Outbox outbox;

    @Transactional
    public void change(String key, int n, OutboxMessage event) {
        upsert(key, n);
        outbox.append(event);
    }

    @Transactional
    public void changeThenFail(String key, int n, OutboxMessage event) {
        upsert(key, n);
        outbox.append(event);
        throw new IllegalStateException("rejected after the event was appended");
    }

    /**
     * A listener's handling of an event as services write it: the effect and the processed mark in one transaction.
     * With {@code failAfterEffect}, the handler fails after its effect, inside the work.
     *
     * @return whether the event was handled (false: a duplicate)
     */
    @Transactional
    public boolean onEvent(UUID eventId, String key, boolean failAfterEffect) {
        try (Connection c = dataSource.getConnection()) {
            return new IdempotentConsumer().processOnce(c, "thing-service.test-events", eventId, tx -> {
                try (PreparedStatement increment = tx.prepareStatement(
                        "INSERT INTO thing (key, n) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = thing.n + 1")) {
                    increment.setString(1, key);
                    increment.executeUpdate();
                }
                if (failAfterEffect) {
                    throw new IllegalStateException("handler failed after its effect");
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void upsert(String key, int n) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement upsert = c.prepareStatement(
                        "INSERT INTO thing (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = excluded.n")) {
            upsert.setString(1, key);
            upsert.setInt(2, n);
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
