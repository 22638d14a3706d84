package dev.strata.notifier.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.NotFoundException;

import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

/** Namespace checks of the notifier's API, answering problem details that say what was not found. */
@RequestScoped
public class Access {

    private final NamespaceAccess access;

    Access(NamespaceAccess access) {
        this.access = access;
    }

    /** 404 naming {@code what} when the caller cannot read {@code namespace}; 403 when it lacks {@code needed}. */
    public void require(String namespace, Role needed, String what) {
        try {
            access.require(namespace, needed);
        } catch (NotFoundException e) {
            throw ProblemException.notFound(what + " does not exist, or you cannot read its namespace");
        }
    }

    /** The namespaces a list may show: null for all, else these (empty: nothing). */
    public String[] readable() {
        NamespaceAccess.Scope scope = access.readable();
        return scope.all() ? null : scope.namespaces().toArray(String[]::new);
    }

    public String principal() {
        return access.principal();
    }
}
