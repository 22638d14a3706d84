package dev.strata.auth.connection;

import java.util.List;
import java.util.Map;

/**
 * A connection with its secrets' values, for a resolver service account only: {@code secrets} maps each secret field
 * of the settings ({@code headerSecret}, {@code passwordSecret}, ...) to the value; {@code allowedHosts} is the
 * namespace's setting, for the worker's address guard.
 */
public record ResolvedConnection(String namespace, String name, String kind, Map<String, Object> settings,
        Map<String, String> secrets, List<String> allowedHosts) {

    @Override
    public String toString() {
        return "ResolvedConnection[namespace=" + namespace + ", name=" + name + ", kind=" + kind + ", secrets="
                + secrets.keySet() + "]";
    }
}
