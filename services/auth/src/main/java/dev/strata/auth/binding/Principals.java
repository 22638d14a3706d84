package dev.strata.auth.binding;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.access.Role;
import dev.strata.auth.serviceaccount.ServiceAccount;
import dev.strata.auth.serviceaccount.ServiceAccountRepository;
import dev.strata.auth.user.User;
import dev.strata.auth.user.UserRepository;
import dev.strata.auth.user.Usernames;

/** Principals (users and service accounts) by name, and what a token says about them: their roles right now. */
@ApplicationScoped
public class Principals {

    /** A principal's kind and id. */
    public record PrincipalRef(PrincipalKind kind, UUID id, String name) {
    }

    private final UserRepository users;
    private final ServiceAccountRepository serviceAccounts;
    private final RoleBindingRepository bindings;

    Principals(UserRepository users, ServiceAccountRepository serviceAccounts, RoleBindingRepository bindings) {
        this.users = users;
        this.serviceAccounts = serviceAccounts;
        this.bindings = bindings;
    }

    public Optional<PrincipalRef> find(PrincipalKind kind, String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (kind) {
            case USER -> users.findByUsername(Usernames.normalize(name))
                    .map(u -> new PrincipalRef(kind, u.id(), u.username()));
            case SERVICE_ACCOUNT -> serviceAccounts.findByName(name.trim())
                    .map(s -> new PrincipalRef(kind, s.id(), s.name()));
        };
    }

    /** The user as an access token describes it. */
    public Caller of(User user) {
        return new Caller(user.id().toString(), user.username(), PrincipalKind.USER,
                bindings.rolesOf(PrincipalKind.USER, user.id()));
    }

    /**
     * The caller's roles as the bindings stand now, not as its token says: the same reading {@link #of(User)} and
     * {@link #of(ServiceAccount)} do when a token is minted. A deleted or disabled principal has no role.
     */
    public Map<String, Role> currentRoles(Caller caller) {
        return switch (caller.kind()) {
            case USER -> caller.userId().flatMap(users::find).filter(u -> !u.disabled())
                    .map(u -> of(u).namespaces()).orElse(Map.of());
            case SERVICE_ACCOUNT -> serviceAccounts
                    .findByName(caller.subject().substring(Caller.SERVICE_ACCOUNT_PREFIX.length()))
                    .filter(s -> !s.disabled()).map(s -> of(s).namespaces()).orElse(Map.of());
        };
    }

    /** The service account as an access token describes it ({@code sub} = {@code sa:<name>}). */
    public Caller of(ServiceAccount account) {
        return new Caller(account.subject(), account.name(), PrincipalKind.SERVICE_ACCOUNT,
                bindings.rolesOf(PrincipalKind.SERVICE_ACCOUNT, account.id()));
    }
}
