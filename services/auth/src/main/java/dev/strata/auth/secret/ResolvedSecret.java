package dev.strata.auth.secret;

/** A secret's value, answered only to a resolver service account (kept in memory by the worker, never stored). */
public record ResolvedSecret(String namespace, String name, String value) {

    @Override
    public String toString() {
        return "ResolvedSecret[namespace=" + namespace + ", name=" + name + ", value=***]";
    }
}
