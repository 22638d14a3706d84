package dev.strata.transform.version;

import java.io.InputStream;
import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.transform.build.Build;
import dev.strata.transform.build.BuildRequest;
import dev.strata.transform.build.BuildService;
import dev.strata.web.ProblemException;

@Path("/api/v1/projects")
@Tag(name = "Projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectResource {

    private final ProjectService service;
    private final ProjectVersionRepository versions;
    private final NamespaceAccess access;
    private final BuildService builds;

    ProjectResource(ProjectService service, ProjectVersionRepository versions, NamespaceAccess access,
            BuildService builds) {
        this.service = service;
        this.builds = builds;
        this.versions = versions;
        this.access = access;
    }

    @POST
    @Path("/{namespace}")
    @Consumes({"application/zip", "application/gzip", "application/x-gzip", "application/x-tar",
            MediaType.APPLICATION_OCTET_STREAM})
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Push a project version (engineer in the namespace)", description = "The body is the"
            + " project as a zip or tar.gz archive (dbt_project.yml at its top or in its one top folder). It is"
            + " compiled first: a project that does not compile is refused with 422 and every problem's file and"
            + " line in 'errors'. Otherwise it is stored in the projects bucket as the project's next version. The"
            + " archive is unpacked while it is read: more entries, bigger files or more unpacked bytes than the"
            + " project limits allow answer 413; a path leaving the project or a link answers 422.")
    public Response push(@PathParam("namespace") String namespace, InputStream archive) {
        access.require(namespace, Role.ENGINEER);
        ProjectVersion v = service.push(namespace, archive == null ? InputStream.nullInputStream() : archive,
                access.principal());
        return Response.created(URI.create("/api/v1/projects/" + namespace + "/" + v.project() + "/versions/"
                + v.version())).entity(v).build();
    }

    @GET
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The newest version of every project you can read (viewer)")
    public List<ProjectVersion> list() {
        NamespaceAccess.Scope scope = access.readable();
        if (scope.isEmpty()) {
            return List.of();
        }
        return versions.latest(scope.all() ? null : scope.namespaces());
    }

    @GET
    @Path("/{namespace}/{project}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Every version of a project, newest first (viewer in the namespace)")
    public List<ProjectVersion> versions(@PathParam("namespace") String namespace,
            @PathParam("project") String project) {
        access.require(namespace, Role.VIEWER);
        List<ProjectVersion> list = versions.versions(namespace, project);
        if (list.isEmpty()) {
            throw ProblemException.notFound("There is no project '" + project + "' in namespace '" + namespace
                    + "'.");
        }
        return list;
    }

    @GET
    @Path("/{namespace}/{project}/versions/{version}")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "One version with its manifest: models, tests, sources (viewer in the namespace)")
    public ProjectVersion version(@PathParam("namespace") String namespace, @PathParam("project") String project,
            @PathParam("version") int version) {
        access.require(namespace, Role.VIEWER);
        return versions.find(namespace, project, version).orElseThrow(() -> ProblemException.notFound(
                "Project '" + project + "' in namespace '" + namespace + "' has no version " + version + "."));
    }

    /** What a selection picks: the models' names. */
    public record Selection(String namespace, String project, String select, List<String> models) {
    }

    @GET
    @Path("/{namespace}/{project}/selection")
    @RolesAllowed({Role.VIEWER_NAME, Role.ANALYST_NAME, Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "The models a dbt selection picks in a project version (viewer in the namespace)", description = "select: e.g. '+tag:gold'; version: a version number (default the newest). 404 when the"
            + " project or version does not exist, 400 when the selection cannot be read or a term of it"
            + " matches no model (as for a build). The scheduler asks it when a pipeline is saved.")
    public Selection selection(@PathParam("namespace") String namespace, @PathParam("project") String project,
            @QueryParam("select") String select, @QueryParam("version") Integer version) {
        access.require(namespace, Role.VIEWER);
        if (select != null && select.length() > 2000) {
            throw ProblemException.badRequest("select is longer than 2000 characters.");
        }
        return new Selection(namespace, project, select, builds.selection(namespace, project, version, select));
    }

    @POST
    @Path("/{namespace}/{project}/builds")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.ENGINEER_NAME, Role.ADMIN_NAME})
    @Operation(summary = "Build models of a project version (engineer in the namespace)", description = "Queues a"
            + " build of the newest version (or 'version'), with a dbt selection ('select', 'exclude'), 'vars' and"
            + " 'fullRefresh'. Answers 202 with the queued build; follow it at /api/v1/builds/{id}.")
    public Response build(@PathParam("namespace") String namespace, @PathParam("project") String project,
            BuildRequest request) {
        access.require(namespace, Role.ENGINEER);
        Build b = builds.request(namespace, project, request == null
                ? new BuildRequest(null, null, null, null,
                        null)
                : request, access.principal());
        return Response.accepted(b).location(URI.create("/api/v1/builds/" + b.id())).build();
    }
}
