package dev.strata.auth.binding;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.access.Role;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.Principals.PrincipalRef;
import dev.strata.auth.namespace.NamespaceRepository;
import dev.strata.web.ProblemException;

/**
 * Role bindings: read by anyone who can read their namespace, granted and revoked by an admin of their namespace
 * (admin on {@code *} for bindings on {@code *}). The last admin of everything cannot be removed.
 */
@ApplicationScoped
public class RoleBindingService {

    private final RoleBindingRepository bindings;
    private final NamespaceRepository namespaces;
    private final Principals principals;
    private final AuditLog audit;

    RoleBindingService(RoleBindingRepository bindings, NamespaceRepository namespaces, Principals principals,
            AuditLog audit) {
        this.bindings = bindings;
        this.namespaces = namespaces;
        this.principals = principals;
        this.audit = audit;
    }

    /** The bindings the caller can see: on namespaces it can read ({@code *} bindings only with a {@code *} role). */
    public List<RoleBindingView> list(Caller caller, String namespace, String principalKind, String principal) {
        PrincipalKind kind = principalKind == null ? null : kind(principalKind);
        UUID principalId = null;
        if (principal != null) {
            if (kind == null) {
                throw ProblemException.badRequest("Filtering by principal needs principalKind (user or "
                        + "service_account) too.");
            }
            Optional<PrincipalRef> ref = principals.find(kind, principal);
            if (ref.isEmpty()) {
                return List.of();
            }
            principalId = ref.get().id();
        }
        String[] visible = caller.readsEveryNamespace() ? null : caller.boundNamespaces();
        return bindings.list(visible, namespace, kind, principalId).stream().map(RoleBindingView::of).toList();
    }

    /** The outcome of a grant: the binding, and whether it is new (or an existing one got another role). */
    public record Grant(RoleBindingView binding, boolean created) {
    }

    /** Grants a role, or changes the role the principal already has in that namespace. */
    @Transactional
    public Grant grant(Caller caller, NewRoleBinding request) {
        if (request == null) {
            throw ProblemException.badRequest("The body needs principalKind, principal, namespace and role.");
        }
        PrincipalKind kind = kind(request.principalKind());
        String namespace = request.namespace() == null ? "" : request.namespace().trim();
        Role role = Role.parse(request.role()).orElseThrow(() -> ProblemException
                .badRequest("role must be one of viewer, analyst, engineer, admin."));
        requireAdminOf(caller, namespace);
        if (!Caller.ALL_NAMESPACES.equals(namespace) && !namespaces.exists(namespace)) {
            throw ProblemException.notFound("No namespace named '" + namespace + "'; create it first.");
        }
        PrincipalRef principal = principals.find(kind, request.principal()).orElseThrow(() -> ProblemException
                .notFound("No " + kind.value().replace('_', ' ') + " named '" + request.principal() + "'."));
        Optional<RoleBinding> existing = bindings.find(kind, principal.id(), namespace);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("role", role.claimValue());
        UUID id;
        if (existing.isPresent()) {
            id = existing.get().id();
            if (existing.get().role() == Role.ADMIN && role != Role.ADMIN) {
                requireAnotherGlobalAdmin(existing.get());
            }
            details.put("previousRole", existing.get().role().claimValue());
            bindings.updateRole(id, role);
        } else {
            id = UUID.randomUUID();
            bindings.insert(id, kind, principal.id(), namespace, role);
        }
        audit.record("binding.granted", kind.value() + ":" + principal.name(), namespace, details);
        return new Grant(RoleBindingView.of(bindings.find(id).orElseThrow()), existing.isEmpty());
    }

    @Transactional
    public void revoke(Caller caller, UUID id) {
        RoleBinding binding = bindings.find(id).filter(b -> canSee(caller, b.namespace()))
                .orElseThrow(() -> ProblemException.notFound("No role binding " + id + " that you can read."));
        requireAdminOf(caller, binding.namespace());
        if (binding.role() == Role.ADMIN) {
            requireAnotherGlobalAdmin(binding);
        }
        bindings.delete(id);
        audit.record("binding.revoked", binding.principalKind().value() + ":" + binding.principalName(),
                binding.namespace(), Map.of("role", binding.role().claimValue()));
    }

    static boolean canSee(Caller caller, String namespace) {
        return Caller.ALL_NAMESPACES.equals(namespace) ? caller.readsEveryNamespace() : caller.canRead(namespace);
    }

    private static void requireAdminOf(Caller caller, String namespace) {
        if (!caller.can(Role.ADMIN, namespace)) {
            throw ProblemException.forbidden(Caller.ALL_NAMESPACES.equals(namespace)
                    ? "Only an admin of every namespace (admin on '*') may grant or revoke roles on '*'."
                    : "You need the admin role in namespace '" + namespace + "' to grant or revoke roles there.");
        }
    }

    private void requireAnotherGlobalAdmin(RoleBinding binding) {
        if (binding.principalKind() == PrincipalKind.USER && Caller.ALL_NAMESPACES.equals(binding.namespace())
                && bindings.countGlobalAdmins(null, binding.id()) == 0) {
            throw ProblemException.conflict("This is the last admin of every namespace; make someone else admin on "
                    + "'*' first.");
        }
    }

    private static PrincipalKind kind(String value) {
        return PrincipalKind.parse(value).orElseThrow(() -> ProblemException
                .badRequest("principalKind must be 'user' or 'service_account'."));
    }
}
