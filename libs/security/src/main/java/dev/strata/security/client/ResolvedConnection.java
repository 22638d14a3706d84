package dev.strata.security.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A namespace's connection as the auth service resolved it for a worker: its settings (URLs, hosts, user names, the
 * names of its secrets), the values of its secret fields ({@code headerSecret}, {@code passwordSecret}, ...) and the
 * namespace's allowed private hosts. Kept in memory for one use; {@link #toString()} never shows a value.
 */
public record ResolvedConnection(String namespace, String name, String kind, Map<String, Object> settings,
        Map<String, String> secrets, List<String> allowedHosts) {

    public ResolvedConnection {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    }

    /** A text setting ({@code baseUrl}, {@code user}, ...). */
    public Optional<String> setting(String field) {
        Object value = settings.get(field);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    /** The value of a secret field ({@code headerSecret}, {@code passwordSecret}, ...). */
    public Optional<String> secret(String field) {
        return Optional.ofNullable(secrets.get(field));
    }

    @Override
    public String toString() {
        return "ResolvedConnection[namespace=" + namespace + ", name=" + name + ", kind=" + kind + ", settings="
                + settings + ", secrets=" + secrets.keySet() + "]";
    }
}
