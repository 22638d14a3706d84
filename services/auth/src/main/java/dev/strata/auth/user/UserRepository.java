package dev.strata.auth.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class UserRepository {

    private final Db db;

    UserRepository(Db db) {
        this.db = db;
    }

    public Optional<User> find(UUID id) {
        return db.one("SELECT * FROM users WHERE id = ?", UserRepository::map, id);
    }

    public Optional<User> findByUsername(String username) {
        return db.one("SELECT * FROM users WHERE username = ?", UserRepository::map, username);
    }

    public List<User> list() {
        return db.list("SELECT * FROM users ORDER BY username", UserRepository::map);
    }

    public void insert(UUID id, String username, String email, String passwordHash) {
        db.update("INSERT INTO users (id, username, email, password_hash) VALUES (?, ?, ?, ?)", id, username, email,
                passwordHash);
    }

    public void update(UUID id, String email, boolean disabled) {
        db.update("UPDATE users SET email = ?, disabled = ? WHERE id = ?", email, disabled, id);
    }

    public void setPasswordHash(UUID id, String passwordHash) {
        db.update("UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, id);
    }

    public void delete(UUID id) {
        db.update("DELETE FROM users WHERE id = ?", id);
    }

    /**
     * Counts a failed sign-in; the one that reaches {@code maxFailures} locks the account for {@code lockFor} and
     * starts a new count.
     *
     * @return whether the account is locked now
     */
    public boolean recordFailure(UUID id, int maxFailures, Duration lockFor) {
        return db.one("UPDATE users SET "
                + "failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END, "
                + "locked_until = CASE WHEN failed_logins + 1 >= ? THEN now() + make_interval(secs => ?) "
                + "ELSE locked_until END WHERE id = ? "
                + "RETURNING coalesce(locked_until > now(), false)", rs -> rs.getBoolean(1), maxFailures, maxFailures,
                (double) lockFor.toMillis() / 1000, id).orElse(false);
    }

    public void resetFailures(UUID id) {
        db.update("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", id);
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("email"),
                rs.getString("password_hash"), rs.getInt("failed_logins"), Db.instant(rs, "locked_until"),
                rs.getBoolean("disabled"), Db.instant(rs, "created_at"));
    }
}
