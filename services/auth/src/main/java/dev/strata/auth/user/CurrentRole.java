package dev.strata.auth.user;

/**
 * The caller's role in a namespace as the role bindings stand now ({@code GET /api/v1/me/namespaces/{ns}}).
 *
 * @param role {@code viewer}, {@code analyst}, {@code engineer}, {@code admin}, or null for none
 */
public record CurrentRole(String namespace, String role) {
}
