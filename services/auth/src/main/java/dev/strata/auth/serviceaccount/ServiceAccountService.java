package dev.strata.auth.serviceaccount;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.access.Role;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.NamespaceRole;
import dev.strata.auth.binding.RoleBinding;
import dev.strata.auth.binding.RoleBindingRepository;
import dev.strata.auth.namespace.NamespaceRepository;
import dev.strata.auth.token.OpaqueTokens;
import dev.strata.web.ProblemException;

/**
 * Service accounts. A caller sees the ones bound in a namespace it can read (all with a role on {@code *}); it
 * manages (creates, rotates the secret of, deletes) the ones whose every namespace it is admin of.
 */
@ApplicationScoped
public class ServiceAccountService {

    public static final String CLIENT_ID_PREFIX = "sa-";
    public static final String SECRET_PREFIX = "strata_sas_";
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");

    private final ServiceAccountRepository accounts;
    private final RoleBindingRepository bindings;
    private final NamespaceRepository namespaces;
    private final AuditLog audit;

    ServiceAccountService(ServiceAccountRepository accounts, RoleBindingRepository bindings,
            NamespaceRepository namespaces, AuditLog audit) {
        this.accounts = accounts;
        this.bindings = bindings;
        this.namespaces = namespaces;
        this.audit = audit;
    }

    public List<ServiceAccountView> list(Caller caller) {
        String[] visible = caller.readsEveryNamespace() ? null : caller.boundNamespaces();
        return accounts.list(visible).stream().map(sa -> view(caller, sa)).toList();
    }

    public ServiceAccountView get(Caller caller, UUID id) {
        return view(caller, visible(caller, id));
    }

    @Transactional
    public ServiceAccountCredentials create(Caller caller, NewServiceAccount request) {
        if (request == null) {
            throw ProblemException.badRequest("The body needs a name (and optionally bindings).");
        }
        String name = request.name() == null ? "" : request.name().trim();
        if (!NAME.matcher(name).matches()) {
            throw ProblemException.badRequest("A service-account name has 2 to 64 characters: lower-case letters, "
                    + "digits, '.', '_' or '-', starting with a letter or digit.");
        }
        Map<String, Role> roles = roles(request.bindings());
        if (!canManage(caller, roles.keySet())) {
            throw ProblemException.forbidden("Creating a service account needs the admin role in every namespace it "
                    + "is bound to (admin on '*' for one without bindings).");
        }
        if (accounts.findByName(name).isPresent()) {
            throw ProblemException.conflict("A service account named '" + name + "' already exists.");
        }
        UUID id = UUID.randomUUID();
        String secret = SECRET_PREFIX + OpaqueTokens.random();
        accounts.insert(id, name, CLIENT_ID_PREFIX + name, OpaqueTokens.hash(secret));
        roles.forEach((ns, role) -> bindings.insert(UUID.randomUUID(), PrincipalKind.SERVICE_ACCOUNT, id, ns, role));
        Map<String, Object> details = new LinkedHashMap<>();
        roles.forEach((ns, role) -> details.put(ns, role.claimValue()));
        audit.record("service_account.created", "sa:" + name, null, Map.of("bindings", details));
        ServiceAccount account = accounts.find(id).orElseThrow();
        return new ServiceAccountCredentials(view(caller, account), account.clientId(), secret);
    }

    /** A new secret; the old one stops working at once. */
    @Transactional
    public ServiceAccountCredentials rotateSecret(Caller caller, UUID id) {
        ServiceAccount account = managed(caller, id);
        String secret = SECRET_PREFIX + OpaqueTokens.random();
        accounts.setSecretHash(id, OpaqueTokens.hash(secret));
        audit.record("service_account.secret_rotated", account.subject(), null, Map.of());
        return new ServiceAccountCredentials(view(caller, account), account.clientId(), secret);
    }

    @Transactional
    public void delete(Caller caller, UUID id) {
        ServiceAccount account = managed(caller, id);
        bindings.deleteForPrincipal(PrincipalKind.SERVICE_ACCOUNT, id);
        accounts.delete(id);
        audit.record("service_account.deleted", account.subject(), null, Map.of());
    }

    private ServiceAccount visible(Caller caller, UUID id) {
        return accounts.find(id).filter(sa -> caller.readsEveryNamespace()
                || namespacesOf(sa).stream().anyMatch(ns -> !Caller.ALL_NAMESPACES.equals(ns) && caller.canRead(ns)))
                .orElseThrow(() -> ProblemException.notFound("No service account " + id + " that you can read."));
    }

    private ServiceAccount managed(Caller caller, UUID id) {
        ServiceAccount account = visible(caller, id);
        if (!canManage(caller, namespacesOf(account))) {
            throw ProblemException.forbidden("Managing this service account needs the admin role in every namespace "
                    + "it is bound to.");
        }
        return account;
    }

    private static boolean canManage(Caller caller, Collection<String> boundNamespaces) {
        if (caller.isGlobalAdmin()) {
            return true;
        }
        return !boundNamespaces.isEmpty()
                && boundNamespaces.stream().allMatch(ns -> !Caller.ALL_NAMESPACES.equals(ns)
                        && caller.can(Role.ADMIN, ns));
    }

    private List<String> namespacesOf(ServiceAccount account) {
        return bindingsOf(account).stream().map(RoleBinding::namespace).toList();
    }

    private List<RoleBinding> bindingsOf(ServiceAccount account) {
        return bindings.list(null, null, PrincipalKind.SERVICE_ACCOUNT, account.id());
    }

    private ServiceAccountView view(Caller caller, ServiceAccount account) {
        List<NamespaceRole> visible = new ArrayList<>();
        for (RoleBinding b : bindingsOf(account)) {
            boolean readable = Caller.ALL_NAMESPACES.equals(b.namespace())
                    ? caller.readsEveryNamespace()
                    : caller.canRead(b.namespace());
            if (readable) {
                visible.add(new NamespaceRole(b.namespace(), b.role().claimValue()));
            }
        }
        return new ServiceAccountView(account.id(), account.name(), account.clientId(), account.disabled(),
                account.createdAt(), visible);
    }

    private Map<String, Role> roles(List<NamespaceRole> requested) {
        Map<String, Role> roles = new LinkedHashMap<>();
        for (NamespaceRole binding : Optional.ofNullable(requested).orElse(List.of())) {
            String ns = binding.namespace() == null ? "" : binding.namespace().trim();
            Role role = Role.parse(binding.role()).orElseThrow(() -> ProblemException
                    .badRequest("Each binding needs a role: viewer, analyst, engineer or admin."));
            if (!Caller.ALL_NAMESPACES.equals(ns) && !namespaces.exists(ns)) {
                throw ProblemException.notFound("No namespace named '" + ns + "'; create it first.");
            }
            roles.merge(ns, role, Role::higher);
        }
        return roles;
    }
}
