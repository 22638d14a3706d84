package dev.strata.warehouse.quarkus;

import java.util.Optional;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.DefaultBean;

import dev.strata.warehouse.NamespaceRoles;

/**
 * The warehouse's namespace roles for a service, from {@code strata.warehouse.jdbc-url}, {@code .username} and
 * {@code .password} (the warehouse admin login, never a superuser) and {@code .role-key} (a Kubernetes Secret).
 */
@Singleton
public class NamespaceRolesProducer {

    @Produces
    @Singleton
    @DefaultBean
    NamespaceRoles namespaceRoles(@ConfigProperty(name = "strata.warehouse.jdbc-url") String jdbcUrl,
            @ConfigProperty(name = "strata.warehouse.username") String username,
            @ConfigProperty(name = "strata.warehouse.password") Optional<String> password,
            @ConfigProperty(name = "strata.warehouse.role-key") String roleKey) {
        return new NamespaceRoles(jdbcUrl, username, password.orElse(""), roleKey);
    }
}
