package dev.strata.auth.namespace;

/** The body of {@code POST /api/v1/namespaces}. */
public record NewNamespace(String name) {
}
