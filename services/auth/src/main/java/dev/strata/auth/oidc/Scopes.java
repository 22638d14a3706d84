package dev.strata.auth.oidc;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The scopes this issuer knows. Access is decided by role bindings, not scopes. */
final class Scopes {

    static final String OPENID = "openid";
    static final List<String> SUPPORTED = List.of(OPENID, "profile", "email", "offline_access");

    private Scopes() {
    }

    /** Whether every scope in the space-separated list is supported. */
    static boolean allSupported(String scope) {
        return scope == null || Arrays.stream(scope.trim().split(" +")).filter(s -> !s.isEmpty())
                .allMatch(SUPPORTED::contains);
    }

    static boolean includesOpenId(String scope) {
        return scope != null && Set.of(scope.trim().split(" +")).contains(OPENID);
    }
}
