package dev.strata.auth.user;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.auth.user.LoginResult.Outcome;

/**
 * Checks a username and password, with lockout: {@code strata.auth.lockout.max-failures} failures in a row lock the
 * account for {@code strata.auth.lockout.duration}, during which even the right password is refused. Unknown
 * usernames are counted and locked the same way and cost the same hashing work, so neither the answer nor its
 * timing tells whether a username exists. Every attempt is audited (never the password).
 */
@ApplicationScoped
public class LoginService {

    private static final String INVALID_NAME = "(not a valid username)";

    private final UserRepository users;
    private final LoginFailureRepository unknownNames;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final int maxFailures;
    private final Duration lockFor;
    private final String decoyHash;
    private final Clock clock = Clock.systemUTC();

    LoginService(UserRepository users, LoginFailureRepository unknownNames, PasswordHasher hasher, AuditLog audit,
            AuthConfig config) {
        this.users = users;
        this.unknownNames = unknownNames;
        this.hasher = hasher;
        this.audit = audit;
        this.maxFailures = config.lockout().maxFailures();
        this.lockFor = config.lockout().duration();
        this.decoyHash = hasher.hash(OpaqueTokens.random());
    }

    @Transactional
    public LoginResult authenticate(String rawUsername, String password, String clientId) {
        String username = Usernames.normalize(rawUsername);
        String safePassword = password == null ? "" : password;
        Optional<User> found = Usernames.isValid(username) ? users.findByUsername(username) : Optional.empty();
        if (found.isEmpty()) {
            return unknownUser(username, safePassword, clientId);
        }
        User user = found.get();
        boolean matches = hasher.verify(safePassword, user.passwordHash());
        if (user.lockedAt(clock.instant())) {
            failed(user.username(), "locked", clientId);
            return LoginResult.failed(Outcome.LOCKED);
        }
        if (!matches) {
            boolean locked = users.recordFailure(user.id(), maxFailures, lockFor);
            failed(user.username(), "wrong_password", clientId);
            if (locked) {
                audit.recordAs(user.username(), "user.locked", user.username(), null,
                        Map.of("for", lockFor.toString(), "after", maxFailures));
            }
            return LoginResult.failed(locked ? Outcome.LOCKED : Outcome.INVALID);
        }
        if (user.disabled()) {
            failed(user.username(), "disabled", clientId);
            return LoginResult.failed(Outcome.DISABLED);
        }
        if (user.failedLogins() > 0 || user.lockedUntil() != null) {
            users.resetFailures(user.id());
        }
        audit.recordAs(user.username(), "login.succeeded", user.username(), null, details("client", clientId));
        return LoginResult.success(user);
    }

    private LoginResult unknownUser(String username, String password, String clientId) {
        hasher.verify(password, decoyHash);
        // the name is kept only as a hash, and audited only if it could be a username (not a mistyped password)
        String key = OpaqueTokens.hash(username);
        String actor = Usernames.isValid(username) ? username : INVALID_NAME;
        if (unknownNames.isLocked(key)) {
            failed(actor, "locked", clientId);
            return LoginResult.failed(Outcome.LOCKED);
        }
        boolean locked = unknownNames.recordFailure(key, maxFailures, lockFor);
        failed(actor, "unknown_user", clientId);
        return LoginResult.failed(locked ? Outcome.LOCKED : Outcome.INVALID);
    }

    private void failed(String username, String reason, String clientId) {
        Map<String, Object> details = details("client", clientId);
        details.put("reason", reason);
        audit.recordAs(username, "login.failed", username, null, details);
    }

    private static Map<String, Object> details(String key, String value) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (value != null) {
            details.put(key, value);
        }
        return details;
    }

}
