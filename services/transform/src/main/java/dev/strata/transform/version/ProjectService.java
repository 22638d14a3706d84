package dev.strata.transform.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agroal.api.AgroalDataSource;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import dev.strata.transform.compile.CompileLimits;
import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.CompiledTest;
import dev.strata.transform.compile.SqlCompiler;
import dev.strata.transform.config.TransformConfig;
import dev.strata.transform.project.ArchiveLimits;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

/**
 * Pushing projects: an archive is compiled first (a project that does not compile is refused with every problem's
 * file and line), then stored in the projects bucket and recorded as the next version.
 */
@ApplicationScoped
public class ProjectService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProjectVersionRepository versions;
    private final AgroalDataSource db;
    private final MinioClient s3;
    private final TransformConfig config;
    private final Map<UUID, ProjectFiles> cache = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, ProjectFiles> eldest) {
                    return size() > 32;
                }
            });

    ProjectService(ProjectVersionRepository versions, AgroalDataSource db, MinioClient s3, TransformConfig config) {
        this.versions = versions;
        this.db = db;
        this.s3 = s3;
        this.config = config;
    }

    /**
     * Loads and compiles a project for a namespace (load, Jinja, refs, cycles, schema names inside the namespace)
     * within the compile limits; throws ProjectException with file:line.
     */
    public CompiledProject compile(String namespace, ProjectFiles files, Map<String, ?> vars) {
        TransformConfig.Compile c = config.compile();
        return SqlCompiler.compileFiles(files, namespace, vars, config.defaultSchema(), new CompileLimits(c.budget(),
                c.maxMacroDepth(), c.maxRenderedBytes(), config.env()));
    }

    private ArchiveLimits archiveLimits() {
        TransformConfig.ProjectLimits l = config.projectLimits();
        return new ArchiveLimits(l.maxEntries(), l.maxFileBytes(), l.maxTotalBytes(), l.maxPathLength(),
                l.maxPathDepth());
    }

    /**
     * Pushes an archive read from {@code body}: it goes to a temporary file (at most {@code max-archive-bytes}, its
     * SHA-256 taken on the way), is unpacked from there within the project limits and compiled, and only then stored.
     */
    public ProjectVersion push(String namespace, InputStream body, String uploadedBy) {
        Namespaces.problem(namespace).ifPresent(p -> {
            throw ProblemException.badRequest(p + ".");
        });
        Path spool = null;
        try {
            spool = Files.createTempFile("strata-project-", ".upload");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = new DigestInputStream(body, sha); OutputStream out = Files.newOutputStream(spool)) {
                size = copyAtMost(in, out, config.maxArchiveBytes());
            }
            if (size == 0) {
                throw ProblemException.badRequest("The request body is empty: send the project as a zip or tar.gz"
                        + " archive.");
            }
            return push(namespace, spool, size, HexFormat.of().formatHex(sha.digest()), uploadedBy);
        } catch (IOException e) {
            throw new IllegalStateException("the upload could not be read: " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException ignored) {
                    // a temporary file: the OS cleans it up
                }
            }
        }
    }

    private long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            size += n;
            if (size > max) {
                throw new ProblemException(Status.REQUEST_ENTITY_TOO_LARGE, "archive-too-large", "The archive is"
                        + " larger than " + max + " bytes, the most accepted (strata.transform.max-archive-bytes).");
            }
            out.write(buffer, 0, n);
        }
        return size;
    }

    private ProjectVersion push(String namespace, Path archive, long size, String sha256, String uploadedBy)
            throws IOException {
        ProjectFiles files;
        try (InputStream in = Files.newInputStream(archive)) {
            files = ProjectFiles.fromArchive(in, archiveLimits());
        }
        CompiledProject compiled = compile(namespace, files, Map.of());
        String name = compiled.project().name();
        boolean zip;
        try (InputStream in = Files.newInputStream(archive)) {
            zip = in.read() == 'P';
        }
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (InputStream in = Files.newInputStream(archive)) {
                int number = versions.nextVersion(c, namespace, name);
                String key = namespace + "/" + name + "/" + number + "-" + id + (zip ? ".zip" : ".tar.gz");
                s3.putObject(PutObjectArgs.builder().bucket(config.projectsBucket()).object(key)
                        .stream(in, size, null)
                        .contentType(zip ? "application/zip" : "application/gzip").build());
                ProjectVersion v = new ProjectVersion(id, namespace, name, number, key, sha256,
                        compiled.models().size(), compiled.tests().size(), manifest(compiled), uploadedBy,
                        Instant.now());
                versions.insert(c, v);
                c.commit();
                cache.put(id, files);
                return v;
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        } catch (ProblemException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the project version could not be stored: " + e.getMessage(), e);
        }
    }

    /** The files of a stored version (from S3, cached). */
    public ProjectFiles files(ProjectVersion v) {
        ProjectFiles files = cache.get(v.id());
        if (files != null) {
            return files;
        }
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(config.projectsBucket()).object(v.s3Key())
                .build())) {
            files = ProjectFiles.fromArchive(in, archiveLimits());
        } catch (Exception e) {
            throw new IllegalStateException("the archive of " + v.project() + " version " + v.version()
                    + " cannot be read from S3: " + e.getMessage(), e);
        }
        cache.put(v.id(), files);
        return files;
    }

    static ObjectNode manifest(CompiledProject compiled) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode models = root.putArray("models");
        for (CompiledModel m : compiled.models().values()) {
            ObjectNode n = models.addObject();
            n.put("name", m.name());
            n.put("file", m.file());
            n.put("materialized", m.materialized());
            n.put("relation", m.schema() + "." + m.identifier());
            m.refs().forEach(n.putArray("refs")::add);
            m.sources().forEach(n.putArray("sources")::add);
            m.tags().forEach(n.putArray("tags")::add);
        }
        ArrayNode tests = root.putArray("tests");
        for (CompiledTest t : compiled.tests()) {
            ObjectNode n = tests.addObject();
            n.put("name", t.test().id());
            n.put("test", t.name());
            n.put("on", t.dataset());
            n.put("severity", t.test().severity());
        }
        ArrayNode sources = root.putArray("sources");
        compiled.project().sources().keySet().forEach(sources::add);
        return root;
    }

}
