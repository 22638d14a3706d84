package dev.strata.security;

import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /api/v1/access}: who the caller is and its role per namespace, as this service sees it (what a UI uses to
 * show or hide actions; what a person checks when a call is refused).
 */
@Path("/api/v1/access")
public class AccessResource {

    private final NamespaceAccess access;

    AccessResource(NamespaceAccess access) {
        this.access = access;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The caller's identity and its role per namespace")
    public AccessView get() {
        Map<String, String> roles = new TreeMap<>();
        access.grants().byNamespace().forEach((namespace, role) -> roles.put(namespace, role.id()));
        return new AccessView(access.principal(), roles);
    }

    public record AccessView(String principal, Map<String, String> namespaces) {
    }
}
