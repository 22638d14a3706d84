package dev.strata.auth.user;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.access.Role;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.RoleBindingRepository;
import dev.strata.auth.config.AuthConfig;
import dev.strata.web.ProblemException;
import dev.strata.web.db.Db;

/**
 * Creates the first admin from {@code STRATA_AUTH_BOOTSTRAP_ADMIN_USERNAME} / {@code ..._PASSWORD} (a Kubernetes
 * Secret; the launcher generates the password) with {@code admin} on {@code *}, only while no admin of every
 * namespace exists. There is no default password: without both variables nothing is created.
 */
@ApplicationScoped
public class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

    private final AuthConfig.Bootstrap config;
    private final UserRepository users;
    private final RoleBindingRepository bindings;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Db db;

    BootstrapAdmin(AuthConfig config, UserRepository users, RoleBindingRepository bindings, PasswordHasher hasher,
            AuditLog audit, Db db) {
        this.config = config.bootstrap();
        this.users = users;
        this.bindings = bindings;
        this.hasher = hasher;
        this.audit = audit;
        this.db = db;
    }

    void onStart(@Observes StartupEvent event) {
        Optional<String> username = config.adminUsername().filter(u -> !u.isBlank());
        Optional<String> password = config.adminPassword().filter(p -> !p.isEmpty());
        if (username.isEmpty() && password.isEmpty()) {
            return;
        }
        if (username.isEmpty() || password.isEmpty()) {
            LOG.warn("Only one of STRATA_AUTH_BOOTSTRAP_ADMIN_USERNAME and STRATA_AUTH_BOOTSTRAP_ADMIN_PASSWORD is "
                    + "set: no bootstrap admin is created.");
            return;
        }
        try {
            createIfNoAdmin(Usernames.require(username.get()), password.get());
        } catch (ProblemException e) {
            throw new IllegalStateException("The bootstrap admin (STRATA_AUTH_BOOTSTRAP_ADMIN_USERNAME / "
                    + "STRATA_AUTH_BOOTSTRAP_ADMIN_PASSWORD) is refused: " + e.getMessage());
        }
    }

    @Transactional
    void createIfNoAdmin(String username, String password) {
        db.one("SELECT pg_advisory_xact_lock(hashtext('strata.auth.bootstrap'))", rs -> 1);
        if (bindings.countGlobalAdmins(null, null) > 0) {
            return;
        }
        if (users.findByUsername(username).isPresent()) {
            LOG.warnf("No admin exists, but the bootstrap admin's username '%s' is taken by a user who is not "
                    + "admin: nothing is created. Grant that user admin on '*' or choose another username.", username);
            return;
        }
        PasswordPolicy.check(username, password);
        UUID id = UUID.randomUUID();
        users.insert(id, username, null, hasher.hash(password));
        bindings.insert(UUID.randomUUID(), PrincipalKind.USER, id, Caller.ALL_NAMESPACES, Role.ADMIN);
        audit.recordAs(AuditLog.SYSTEM, "user.created", username, null, Map.of("bootstrap", true));
        audit.recordAs(AuditLog.SYSTEM, "binding.granted", "user:" + username, Caller.ALL_NAMESPACES,
                Map.of("role", Role.ADMIN.claimValue()));
        LOG.infof("created the bootstrap admin '%s' with admin on '*'", username);
    }
}
