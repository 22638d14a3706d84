package dev.strata.auth.namespace;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.binding.RoleBindingRepository;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

/** Namespaces: everyone sees only the ones they hold a role in (all of them with a binding on {@code *}). */
@ApplicationScoped
public class NamespaceService {

    private final NamespaceRepository namespaces;
    private final RoleBindingRepository bindings;
    private final AuditLog audit;

    NamespaceService(NamespaceRepository namespaces, RoleBindingRepository bindings, AuditLog audit) {
        this.namespaces = namespaces;
        this.bindings = bindings;
        this.audit = audit;
    }

    public List<Namespace> list(Caller caller) {
        return namespaces.list(caller.readsEveryNamespace() ? null : caller.boundNamespaces());
    }

    /** The namespace, or 404 also when it exists but the caller may not read it. */
    public Namespace get(Caller caller, String name) {
        return namespaces.find(name).filter(ns -> caller.canRead(ns.name()))
                .orElseThrow(() -> ProblemException.notFound("No namespace named '" + name + "' that you can read."));
    }

    @Transactional
    public Namespace create(Caller caller, NewNamespace request) {
        caller.requireGlobalAdmin();
        String name = request == null || request.name() == null ? "" : request.name().trim();
        Namespaces.problem(name).ifPresent(problem -> {
            throw ProblemException.badRequest("The name " + problem + ".");
        });
        if (namespaces.exists(name)) {
            throw ProblemException.conflict("A namespace named '" + name + "' already exists.");
        }
        namespaces.insert(name);
        audit.record("namespace.created", name, name, Map.of());
        return namespaces.find(name).orElseThrow();
    }

    /** Deletes a namespace and every role binding on it. */
    @Transactional
    public void delete(Caller caller, String name) {
        caller.requireGlobalAdmin();
        if (!namespaces.exists(name)) {
            throw ProblemException.notFound("No namespace named '" + name + "'.");
        }
        bindings.deleteForNamespace(name);
        namespaces.delete(name);
        audit.record("namespace.deleted", name, name, Map.of());
    }
}
