package dev.strata.auth.serviceaccount;

import java.util.List;

import dev.strata.auth.binding.NamespaceRole;

/**
 * The body of {@code POST /api/v1/service-accounts}.
 *
 * @param bindings its roles; you must be admin in each of these namespaces (admin on '*' to create one without)
 */
public record NewServiceAccount(String name, List<NamespaceRole> bindings) {
}
