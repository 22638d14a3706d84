package dev.strata.transform.build;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

@Path("/api/v1/builds")
@Tag(name = "Builds")
@Produces(MediaType.APPLICATION_JSON)
public class BuildResource {

    private final BuildRepository builds;
    private final NamespaceAccess access;

    BuildResource(BuildRepository builds, NamespaceAccess access) {
        this.builds = builds;
        this.access = access;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "A build with every step: status, rows, duration, compiled SQL, error (viewer in its"
            + " namespace)")
    public Build get(@PathParam("id") UUID id) {
        Build b = builds.find(id).orElseThrow(() -> ProblemException.notFound("There is no build " + id + "."));
        access.require(b.namespace(), Role.VIEWER);
        return b;
    }

    @GET
    @Path("/{id}/artifacts/{name}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "dbt's artifacts of a finished build: manifest.json (schema v12) or run_results.json (v6)"
            + " (viewer in its namespace)")
    public String artifact(@PathParam("id") UUID id, @PathParam("name") String name) {
        Build b = builds.find(id).orElseThrow(() -> ProblemException.notFound("There is no build " + id + "."));
        access.require(b.namespace(), Role.VIEWER);
        if (!name.equals(DbtArtifacts.MANIFEST) && !name.equals(DbtArtifacts.RUN_RESULTS)) {
            throw ProblemException.notFound("A build has the artifacts " + DbtArtifacts.MANIFEST + " and "
                    + DbtArtifacts.RUN_RESULTS + ", not '" + (name.length() > 64 ? name.substring(0, 64) + "..." : name)
                    + "'.");
        }
        return builds.artifact(id, name).orElseThrow(() -> ProblemException.notFound("Build " + id + " has no "
                + name + (b.finishedAt() == null
                        ? " yet: it is " + b.status()
                        : ": it ended before its project"
                                + " compiled")
                + "."));
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Recent builds in the namespaces you can read, newest first (viewer)")
    public List<Build> list(@QueryParam("limit") @DefaultValue("50") int limit) {
        NamespaceAccess.Scope scope = access.readable();
        if (scope.isEmpty()) {
            return List.of();
        }
        return builds.list(scope.all() ? null : scope.namespaces(), Math.max(1, Math.min(limit, 500)));
    }
}
