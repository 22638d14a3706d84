package dev.strata.registry.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.IssuerClient;

/**
 * Bearer tokens from the real auth service of the dev stack: a service account per set of namespace bindings, made
 * once per test run.
 */
public final class Callers {

    private static final Map<Map<String, String>, String> TOKENS = new ConcurrentHashMap<>();

    private Callers() {
    }

    /** A token bound to {@code bindings} (namespace → role, {@code *} for every namespace). */
    public static String token(DevStack stack, Map<String, String> bindings) {
        return TOKENS.computeIfAbsent(Map.copyOf(bindings), b -> new IssuerClient(stack.auth()).tokenFor(b));
    }

    public static String admin(DevStack stack) {
        return token(stack, Map.of("*", "admin"));
    }
}
