package dev.strata.auth.binding;

/**
 * The body of {@code POST /api/v1/role-bindings}.
 *
 * @param principalKind {@code user} or {@code service_account}
 * @param principal the username or service-account name
 * @param namespace a namespace, or {@code *} for every namespace
 * @param role {@code viewer}, {@code analyst}, {@code engineer} or {@code admin}
 */
public record NewRoleBinding(String principalKind, String principal, String namespace, String role) {
}
