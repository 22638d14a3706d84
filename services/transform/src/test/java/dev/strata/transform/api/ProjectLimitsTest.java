package dev.strata.transform.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.inject.Inject;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.transform.Archives;

/**
 * Bounds on what a push sends: archive bombs (zip and tar.gz), paths leaving the project and links are refused while
 * the archive is unpacked; a runaway template (deep or exponential macro recursion, huge output) and includes of
 * anything but the project's own files are refused at compile time. Each refusal is a problem naming the file and the
 * limit, nothing is stored, and the next normal push succeeds. Small limits so the bombs stay small.
 */
@QuarkusTest
@TestProfile(ProjectLimitsTest.SmallLimits.class)
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectLimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("strata.transform.project-limits.max-entries", "200",
                    "strata.transform.project-limits.max-file-bytes", "65536",
                    "strata.transform.project-limits.max-total-bytes", "262144",
                    "strata.transform.project-limits.max-path-depth", "8",
                    "strata.transform.compile.budget", "3s",
                    "strata.transform.compile.max-macro-depth", "30",
                    "strata.transform.compile.max-rendered-bytes", "100000");
        }
    }

    private static final String NS = "limitns";

    @InjectDevStack
    DevStack stack;

    @Inject
    MinioClient s3;

    String engineer;

    @BeforeAll
    void tokens() {
        engineer = new IssuerClient(stack.auth()).tokenFor(Map.of(NS, "engineer"));
    }

    static Map<String, String> project(String name, String model) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: " + name + "\n");
        files.put("models/m.sql", model);
        return files;
    }

    private ValidatableResponse push(String contentType, byte[] archive) {
        return given().auth().oauth2(engineer).contentType(contentType).body(archive).post("/api/v1/projects/" + NS)
                .then();
    }

    /** No version recorded, no object in the projects bucket, and the service still takes a normal push. */
    private void nothingStoredAndStillHealthy(String project) {
        given().auth().oauth2(engineer).get("/api/v1/projects/" + NS + "/" + project).then().statusCode(404);
        assertFalse(s3.listObjects(ListObjectsArgs.builder().bucket("strata-projects").prefix(NS + "/" + project
                + "/").recursive(true).build()).iterator().hasNext(), "nothing stored for " + project);
        Map<String, String> ok = project("fineshop", "select 1 as id, {% include 'macros/cols.sql' %}");
        ok.put("macros/cols.sql", "2 as amount");
        push("application/zip", Archives.zip("fineshop/", ok)).statusCode(201);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void zipWithTooManyEntriesIsRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("dbt_project.yml"));
            zip.write("name: manyshop\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 5000; i++) {
                zip.putNextEntry(new ZipEntry("models/m" + i + ".sql"));
                zip.write("select 1".getBytes(StandardCharsets.UTF_8));
            }
        }
        push("application/zip", out.toByteArray()).statusCode(413).contentType("application/problem+json")
                .body("detail", allOf(containsString("more than 200 entries"), containsString("models/m199.sql"),
                        containsString("strata.transform.project-limits.max-entries")));
        nothingStoredAndStillHealthy("manyshop");
    }

    @Test
    void zipBombEntryIsRefused() throws IOException {
        // 8 MB of one byte: a few KB compressed, 128 times the per-file limit unpacked
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("dbt_project.yml"));
            zip.write("name: zipbomb\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("models/bomb.sql"));
            byte[] block = new byte[1024 * 1024];
            for (int i = 0; i < 8; i++) {
                zip.write(block);
            }
        }
        byte[] bomb = out.toByteArray();
        assertFalse(bomb.length > 64 * 1024, "the bomb itself is small: " + bomb.length);
        push("application/zip", bomb).statusCode(413)
                .body("detail", allOf(containsString("'models/bomb.sql' unpacks to more than 65536 bytes"),
                        containsString("strata.transform.project-limits.max-file-bytes")));
        nothingStoredAndStillHealthy("zipbomb");
    }

    @Test
    void tarGzBombIsRefused() throws IOException {
        // ten files just under the per-file limit: over the total limit
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            put(tar, "tarbomb/dbt_project.yml", "name: tarbomb\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 10; i++) {
                put(tar, "tarbomb/models/m" + i + ".sql", new byte[60_000]);
            }
        }
        push("application/gzip", out.toByteArray()).statusCode(413)
                .body("detail", allOf(containsString("unpacks to more than 262144 bytes"),
                        containsString("tarbomb/models/m4.sql"),
                        containsString("strata.transform.project-limits.max-total-bytes")));
        nothingStoredAndStillHealthy("tarbomb");
    }

    @Test
    void pathsLeavingTheProjectAndLinksAreRefused() throws IOException {
        Map<String, String> files = project("escapeshop", "select 1 as id");
        files.put("../../etc/evil.sql", "select 1");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("errors[0].file", equalTo("../../etc/evil.sql"))
                .body("detail", containsString("may not leave the project"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            put(tar, "dbt_project.yml", "name: escapeshop\n".getBytes(StandardCharsets.UTF_8));
            put(tar, "/etc/passwd.sql", "select 1".getBytes(StandardCharsets.UTF_8));
        }
        push("application/gzip", out.toByteArray()).statusCode(422)
                .body("detail", containsString("/etc/passwd.sql: archive entries may not have an absolute path"));

        out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            put(tar, "dbt_project.yml", "name: escapeshop\n".getBytes(StandardCharsets.UTF_8));
            TarArchiveEntry link = new TarArchiveEntry("models/secrets.sql", TarConstants.LF_SYMLINK);
            link.setLinkName("/etc/shadow");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        push("application/gzip", out.toByteArray()).statusCode(422)
                .body("detail", containsString("models/secrets.sql: archive entries may not be links"));

        files = project("escapeshop", "select 1 as id");
        files.put("a/b/c/d/e/f/g/h/i/j.sql", "select 1");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("detail", containsString("more than 8 folders deep"));
        nothingStoredAndStillHealthy("escapeshop");
    }

    @Test
    void macroRecursionDeeperThanTheLimitIsRefused() {
        Map<String, String> files = project("deepshop", "select {{ deeper(1) }} as id");
        files.put("macros/deeper.sql", "{% macro deeper(n) %}{{ deeper(n + 1) }}{% endmacro %}");
        // the error happens inside the macro: it is reported in the macro's own file, as dbt does
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("errors[0].file", equalTo("macros/deeper.sql"))
                .body("detail", allOf(containsString("Max recursion limit of 30 reached for macro 'deeper'"),
                        containsString("strata.transform.compile.max-macro-depth")));
        nothingStoredAndStillHealthy("deepshop");
    }

    @Test
    void macroThatDoublesPerLevelRunsOutOfBudget() {
        // 2^25 calls, each level within the depth limit: only the time budget stops it
        Map<String, String> files = project("fanshop", "select {{ fan(25) }} 1 as id");
        files.put("macros/fan.sql", "{% macro fan(n) %}{% if n > 0 %}{{ fan(n - 1) }}{{ fan(n - 1) }}{% endif %}"
                + "{% endmacro %}");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("errors[0].file", equalTo("models/m.sql"))
                .body("detail", allOf(containsString("longer than its budget of 3.0 s"),
                        containsString("stopped in macro 'fan'"), containsString("strata.transform.compile.budget")));
        nothingStoredAndStillHealthy("fanshop");
    }

    @Test
    void modelRenderingTooMuchIsRefused() {
        Map<String, String> files = project("bigshop", "{% for i in range(1000) %}select 1 as a_rather_long_column"
                + "_name_repeated_until_the_model_is_larger_than_the_limit_of_the_rendered_size\nunion all\n"
                + "{% endfor %}select 1");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("errors[0].file", equalTo("models/m.sql"))
                .body("detail", containsString("renders to more than 100000 characters"));
        nothingStoredAndStillHealthy("bigshop");
    }

    @Test
    void includeSeesOnlyTheProjectsFiles() {
        Map<String, String> files = project("includeshop", "select 1 as id\n{% include 'application.properties' %}");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("errors[0].file", equalTo("models/m.sql"))
                .body("errors[0].line", equalTo(2))
                .body("detail", containsString("'application.properties' is not a file of this project"));

        files = project("includeshop", "select 1 as id\n\n{% include '../dbt_project.yml' %}");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("errors[0].line", equalTo(3))
                .body("detail", containsString("'../dbt_project.yml' is not a file of this project"));

        files = project("includeshop", "{% from '/etc/passwd' import x %}select 1 as id");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("detail", containsString("'/etc/passwd' is not a file of this project"));

        files = project("includeshop", "{% import 'META-INF/MANIFEST.MF' as m %}select 1 as id");
        push("application/zip", Archives.zip("", files)).statusCode(422)
                .body("detail", containsString("'META-INF/MANIFEST.MF' is not a file of this project"));
        nothingStoredAndStillHealthy("includeshop");
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true); // as written: an absolute path stays absolute
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
