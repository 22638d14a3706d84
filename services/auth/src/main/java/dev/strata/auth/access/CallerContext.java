package dev.strata.auth.access;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/** The {@link Caller} of the current request. */
@RequestScoped
public class CallerContext {

    private final SecurityIdentity identity;

    CallerContext(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller caller() {
        Caller caller = identity.getAttribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw new UnauthorizedException();
        }
        return caller;
    }
}
