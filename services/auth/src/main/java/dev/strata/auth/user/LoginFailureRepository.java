package dev.strata.auth.user;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

/**
 * Failed sign-ins for usernames that do not exist, counted and locked exactly like real accounts: the page then
 * answers the same for a name that exists and one that does not. Names are stored as their SHA-256 hash.
 */
@ApplicationScoped
public class LoginFailureRepository {

    private final Db db;

    LoginFailureRepository(Db db) {
        this.db = db;
    }

    public boolean isLocked(String username) {
        return db.one("SELECT locked_until > now() FROM login_failure WHERE username = ?", rs -> rs.getBoolean(1),
                username).orElse(false);
    }

    /** Counts a failure; answers whether the name is locked now. Forgets names idle for longer than a lock. */
    public boolean recordFailure(String username, int maxFailures, Duration lockFor) {
        double seconds = (double) lockFor.toMillis() / 1000;
        db.update("DELETE FROM login_failure WHERE updated_at < now() - make_interval(secs => ?) "
                + "AND (locked_until IS NULL OR locked_until < now())", seconds);
        return db.one("INSERT INTO login_failure AS f (username, failed_logins, locked_until) VALUES (?, "
                + "CASE WHEN 1 >= ? THEN 0 ELSE 1 END, "
                + "CASE WHEN 1 >= ? THEN now() + make_interval(secs => ?) END) "
                + "ON CONFLICT (username) DO UPDATE SET "
                + "failed_logins = CASE WHEN f.failed_logins + 1 >= ? THEN 0 ELSE f.failed_logins + 1 END, "
                + "locked_until = CASE WHEN f.failed_logins + 1 >= ? THEN now() + make_interval(secs => ?) "
                + "ELSE f.locked_until END, updated_at = now() "
                + "RETURNING coalesce(locked_until > now(), false)", rs -> rs.getBoolean(1), username, maxFailures,
                maxFailures, seconds, maxFailures, maxFailures, seconds).orElse(false);
    }
}
