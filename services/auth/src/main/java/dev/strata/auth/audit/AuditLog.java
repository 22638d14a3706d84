package dev.strata.auth.audit;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import io.quarkus.arc.Arc;
import io.quarkus.security.identity.SecurityIdentity;

import dev.strata.auth.access.Caller;
import dev.strata.auth.web.RequestOrigin;

/**
 * Writes the audit log: who, what, to what, in which namespace, when, and from where (client address and request
 * id). Call it inside the transaction of the change, so the change and its entry commit together. Details must never
 * hold a password, secret or token.
 */
@ApplicationScoped
public class AuditLog {

    /** The actor of what the service does by itself (start-up, bootstrap). */
    public static final String SYSTEM = "system";

    private final AuditRepository repository;
    private final Instance<RequestOrigin> origin;
    private final Instance<SecurityIdentity> identity;

    AuditLog(AuditRepository repository, Instance<RequestOrigin> origin, Instance<SecurityIdentity> identity) {
        this.repository = repository;
        this.origin = origin;
        this.identity = identity;
    }

    /** An entry whose actor is the authenticated caller of the current request. */
    public void record(String action, String target, String namespace, Map<String, ?> details) {
        recordAs(currentActor(), action, target, namespace, details);
    }

    /** An entry with an explicit actor: for sign-ins, where nobody is authenticated yet. */
    public void recordAs(String actor, String action, String target, String namespace, Map<String, ?> details) {
        String sourceIp = null;
        String requestId = null;
        if (inRequest()) {
            RequestOrigin request = origin.get();
            sourceIp = request.sourceIp();
            requestId = request.requestId();
        }
        repository.insert(actor, action, target, namespace, details, sourceIp, requestId);
    }

    private String currentActor() {
        if (!inRequest()) {
            return SYSTEM;
        }
        Caller caller = identity.get().getAttribute(Caller.ATTRIBUTE);
        return caller == null ? "anonymous" : caller.actor();
    }

    private static boolean inRequest() {
        return Arc.container().requestContext().isActive();
    }
}
