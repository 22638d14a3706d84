package dev.strata.auth.user;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.RoleBindingRepository;
import dev.strata.auth.token.RefreshTokenRepository;
import dev.strata.web.ProblemException;

/** Users: managed by admins of every namespace; each user changes their own password. */
@ApplicationScoped
public class UserService {

    private static final int MAX_EMAIL = 254;

    private final UserRepository users;
    private final RoleBindingRepository bindings;
    private final RefreshTokenRepository refreshTokens;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    UserService(UserRepository users, RoleBindingRepository bindings, RefreshTokenRepository refreshTokens,
            PasswordHasher hasher, AuditLog audit) {
        this.users = users;
        this.bindings = bindings;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.audit = audit;
    }

    public List<UserView> list(Caller caller) {
        caller.requireGlobalAdmin();
        return users.list().stream().map(u -> UserView.of(u, clock.instant())).toList();
    }

    public UserView get(Caller caller, UUID id) {
        caller.requireGlobalAdmin();
        return UserView.of(find(id), clock.instant());
    }

    @Transactional
    public UserView create(Caller caller, NewUser request) {
        caller.requireGlobalAdmin();
        if (request == null) {
            throw ProblemException.badRequest("The body needs username, password and optionally email.");
        }
        String username = Usernames.require(request.username());
        String email = email(request.email());
        PasswordPolicy.check(username, request.password());
        if (users.findByUsername(username).isPresent()) {
            throw ProblemException.conflict("A user named '" + username + "' already exists.");
        }
        UUID id = UUID.randomUUID();
        users.insert(id, username, email, hasher.hash(request.password()));
        audit.record("user.created", username, null, email == null ? Map.of() : Map.of("email", email));
        return UserView.of(find(id), clock.instant());
    }

    @Transactional
    public UserView update(Caller caller, UUID id, UserUpdate request) {
        caller.requireGlobalAdmin();
        User user = find(id);
        if (request == null) {
            return UserView.of(user, clock.instant());
        }
        Map<String, Object> changed = new LinkedHashMap<>();
        String email = user.email();
        if (request.email() != null) {
            email = email(request.email());
            changed.put("email", email == null ? "" : email);
        }
        boolean disabled = user.disabled();
        if (request.disabled() != null && request.disabled() != user.disabled()) {
            disabled = request.disabled();
            if (disabled) {
                requireAnotherGlobalAdmin(user.id());
                refreshTokens.revokeAllOf(user.id());
            }
            changed.put("disabled", disabled);
        }
        users.update(id, email, disabled);
        if (request.password() != null) {
            PasswordPolicy.check(user.username(), request.password());
            users.setPasswordHash(id, hasher.hash(request.password()));
            refreshTokens.revokeAllOf(user.id());
            changed.put("password", "reset");
        }
        if (Boolean.TRUE.equals(request.unlock())) {
            users.resetFailures(id);
            changed.put("unlocked", true);
        }
        audit.record("user.updated", user.username(), null, changed);
        return UserView.of(find(id), clock.instant());
    }

    /** Deletes a user with its bindings, API tokens and sessions. */
    @Transactional
    public void delete(Caller caller, UUID id) {
        caller.requireGlobalAdmin();
        User user = find(id);
        requireAnotherGlobalAdmin(user.id());
        bindings.deleteForPrincipal(PrincipalKind.USER, id);
        users.delete(id);
        audit.record("user.deleted", user.username(), null, Map.of());
    }

    /** The caller changes its own password; every other session of it ends. */
    @Transactional
    public void changeOwnPassword(Caller caller, PasswordChange request) {
        UUID id = caller.userId().orElseThrow(() -> ProblemException
                .forbidden("Service accounts have no password; rotate their client secret instead."));
        User user = find(id);
        if (request == null || request.currentPassword() == null
                || !hasher.verify(request.currentPassword(), user.passwordHash())) {
            throw ProblemException.badRequest("The current password is not correct.");
        }
        PasswordPolicy.check(user.username(), request.newPassword());
        users.setPasswordHash(id, hasher.hash(request.newPassword()));
        refreshTokens.revokeAllOf(id);
        audit.record("user.password_changed", user.username(), null, Map.of());
    }

    private User find(UUID id) {
        return users.find(id).orElseThrow(() -> ProblemException.notFound("No user with id " + id + "."));
    }

    private void requireAnotherGlobalAdmin(UUID userId) {
        boolean isGlobalAdmin = bindings.countGlobalAdmins(null, null) != bindings.countGlobalAdmins(userId, null);
        if (isGlobalAdmin && bindings.countGlobalAdmins(userId, null) == 0) {
            throw ProblemException.conflict("This is the last admin of every namespace; make someone else admin on "
                    + "'*' first.");
        }
    }

    private static String email(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String email = value.trim();
        if (email.length() > MAX_EMAIL || !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw ProblemException.badRequest("email must look like name@example.com.");
        }
        return email;
    }
}
