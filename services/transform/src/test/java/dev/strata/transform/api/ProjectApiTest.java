package dev.strata.transform.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.transform.Archives;
import dev.strata.transform.TransformStack;

/** Pushing projects and triggering builds over REST, with roles and namespaces. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectApiTest {

    @InjectDevStack
    DevStack stack;

    @Inject
    MinioClient s3;

    String engineer;
    String viewer;
    String outsider;

    static Map<String, String> project(String model) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: apishop\nmodels:\n  apishop:\n    +materialized: table\n");
        files.put("models/api_orders.sql", "select g as id, g * 2 as amount from generate_series(1, {{ var('n', 3) }})"
                + " g");
        files.put("models/api_total.sql", model);
        files.put("models/schema.yml", """
                version: 2
                models:
                  - name: api_orders
                    columns:
                      - name: id
                        tests: [unique, not_null]
                """);
        return files;
    }

    @BeforeAll
    void tokens() {
        IssuerClient issuer = new IssuerClient(stack.auth());
        engineer = issuer.tokenFor(Map.of("apins", "engineer"));
        viewer = issuer.tokenFor(Map.of("apins", "viewer"));
        outsider = issuer.tokenFor(Map.of("elsewhere", "engineer"));
    }

    @Test
    void aSelectionNamesTheModelsItPicksForTheSchedulersSaveTimeCheck() throws Exception {
        int version = given().auth().oauth2(engineer).contentType("application/zip")
                .body(Archives.zip("apishop/", project("select sum(amount) as total from {{ ref('api_orders') }}")))
                .post("/api/v1/projects/apins").then().statusCode(201).extract().jsonPath().getInt("version");
        given().auth().oauth2(viewer).queryParam("select", "+api_total").get("/api/v1/projects/apins/apishop/selection")
                .then().statusCode(200)
                .body("models", org.hamcrest.Matchers.containsInAnyOrder("api_orders", "api_total"));
        given().auth().oauth2(viewer).queryParam("select", "tag:nothing").queryParam("version", version)
                .get("/api/v1/projects/apins/apishop/selection").then().statusCode(400)
                .body("detail", containsString("the selector 'tag:nothing' matches no model"));
        given().auth().oauth2(viewer).queryParam("select", "api_orders").get("/api/v1/projects/apins/nope/selection")
                .then().statusCode(404);
        given().auth().oauth2(outsider).queryParam("select", "+api_total")
                .get("/api/v1/projects/apins/apishop/selection").then().statusCode(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void pushCompileStoreAndBuild() throws Exception {
        JsonPath pushed = given().auth().oauth2(engineer).contentType("application/zip")
                .body(Archives.zip("apishop/", project("select sum(amount) as total from {{ ref('api_orders') }}")))
                .post("/api/v1/projects/apins").then().statusCode(201).extract().jsonPath();
        assertEquals("apishop", pushed.getString("project"));
        assertEquals(2, pushed.getInt("models"));
        assertEquals(2, pushed.getInt("tests"));
        String key = pushed.getString("s3Key");
        assertTrue(s3.statObject(StatObjectArgs.builder().bucket("strata-projects").object(key).build()).size() > 0,
                "the archive is in the projects bucket");
        int version = pushed.getInt("version");

        given().auth().oauth2(viewer).get("/api/v1/projects/apins/apishop/versions/" + version).then()
                .statusCode(200).body("manifest.models.name", hasItem("api_total"));

        JsonPath queued = given().auth().oauth2(engineer).contentType("application/json")
                .body(Map.of("select", "+api_total", "vars", Map.of("n", 10)))
                .post("/api/v1/projects/apins/apishop/builds")
                .then().statusCode(202).extract().jsonPath();
        JsonPath build = TransformStack.waitForBuild(viewer, queued.getString("id"));

        assertEquals("success", build.getString("status"), build.prettify());
        List<Map<String, Object>> nodes = build.getList("nodes");
        Map<String, Object> total = nodes.stream().filter(n -> n.get("node").equals("api_total")).findFirst()
                .orElseThrow();
        assertEquals("success", total.get("status"));
        assertEquals(1, total.get("rows"));
        assertTrue(String.valueOf(total.get("compiledSql")).contains("from \"apins__silver\".\"api_orders\""));
        assertTrue(((Number) total.get("durationMs")).longValue() >= 0);
        assertTrue(nodes.stream().anyMatch(n -> n.get("node").equals("unique_api_orders_id") && n.get("status")
                .equals("pass")));
        assertEquals(110L,
                TransformStack.count(TransformStack.superuser(), "select total from apins__silver.api_total"),
                "2 * (1 + ... + 10)");

        // dbt's artifacts of the build (docs.getdbt.com/reference/artifacts/manifest-json, /run-results-json)
        String artifacts = "/api/v1/builds/" + build.getString("id") + "/artifacts/";
        JsonPath manifest = given().auth().oauth2(viewer).get(artifacts + "manifest.json").then().statusCode(200)
                .contentType("application/json").extract().jsonPath();
        assertEquals("https://schemas.getdbt.com/dbt/manifest/v12.json", manifest.getString(
                "metadata.dbt_schema_version"));
        assertEquals(build.getString("id"), manifest.getString("metadata.invocation_id"));
        Map<String, Map<String, Object>> manifestNodes = manifest.getMap("nodes");
        Map<String, Object> totalNode = manifestNodes.get("model.apishop.api_total");
        assertEquals("model", totalNode.get("resource_type"));
        assertEquals("models/api_total.sql", totalNode.get("original_file_path"));
        assertEquals(Map.of("macros", List.of(), "nodes", List.of("model.apishop.api_orders")), totalNode.get(
                "depends_on"));
        assertEquals("table", ((Map<?, ?>) totalNode.get("config")).get("materialized"));
        assertTrue(String.valueOf(totalNode.get("compiled_code")).contains("from \"apins__silver\".\"api_orders\""));
        assertEquals("\"warehouse\".\"apins__silver\".\"api_total\"", totalNode.get("relation_name"));
        assertEquals("test", manifestNodes.get("test.apishop.unique_api_orders_id").get("resource_type"));
        assertEquals(List.of("model.apishop.api_orders"), ((Map<?, ?>) manifest.getMap("parent_map")).get(
                "model.apishop.api_total"));

        JsonPath runResults = given().auth().oauth2(viewer).get(artifacts + "run_results.json").then().statusCode(
                200).extract().jsonPath();
        assertEquals("https://schemas.getdbt.com/dbt/run-results/v6.json", runResults.getString(
                "metadata.dbt_schema_version"));
        List<Map<String, Object>> results = runResults.getList("results");
        Map<String, Object> totalRun = results.stream().filter(r -> r.get("unique_id").equals(
                "model.apishop.api_total")).findFirst().orElseThrow();
        assertEquals("success", totalRun.get("status"));
        assertEquals(1, ((Map<?, ?>) totalRun.get("adapter_response")).get("rows_affected"));
        assertEquals(List.of("compile", "execute"), ((List<Map<String, Object>>) totalRun.get("timing")).stream()
                .map(t -> t.get("name")).toList());
        assertTrue(((Number) totalRun.get("execution_time")).doubleValue() >= 0);
        Map<String, Object> testRun = results.stream().filter(r -> r.get("unique_id").equals(
                "test.apishop.unique_api_orders_id")).findFirst().orElseThrow();
        assertEquals("pass", testRun.get("status"));
        assertEquals(0, testRun.get("failures"));
        given().auth().oauth2(outsider).get(artifacts + "manifest.json").then().statusCode(404);
        given().auth().oauth2(viewer).get(artifacts + "catalog.json").then().statusCode(404)
                .body("detail", containsString("manifest.json and run_results.json"));

        given().auth().oauth2(viewer).get("/api/v1/builds").then().statusCode(200).body("id", hasItem(build
                .getString("id")));
        given().auth().oauth2(outsider).get("/api/v1/builds").then().statusCode(200).body("id", not(hasItem(build
                .getString("id"))));
        given().auth().oauth2(outsider).get("/api/v1/builds/" + build.getString("id")).then().statusCode(404);
        given().auth().oauth2(outsider).get("/api/v1/projects").then().statusCode(200).body("project", not(hasItem(
                "apishop")));
        given().auth().oauth2(viewer).get("/api/v1/projects").then().statusCode(200).body("project", hasItem(
                "apishop"));
    }

    @Test
    void projectThatDoesNotCompileIsRefusedWithFileAndLine() {
        given().auth().oauth2(engineer).contentType("application/gzip")
                .body(Archives.tarGz("", project("select *\nfrom {{ ref('api_ordrs') }}")))
                .post("/api/v1/projects/apins").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].file", equalTo("models/api_total.sql"))
                .body("errors[0].line", equalTo(2))
                .body("detail", containsString("models/api_total.sql:2: ref('api_ordrs') names no model"));

        Map<String, String> cyclic = project("select * from {{ ref('api_total') }}");
        given().auth().oauth2(engineer).contentType("application/zip").body(Archives.zip("", cyclic))
                .post("/api/v1/projects/apins").then().statusCode(422)
                .body("errors[0].file", equalTo("models/api_total.sql"))
                .body("errors[0].line", equalTo(1))
                .body("detail", containsString("makes a cycle"));

        given().auth().oauth2(engineer).contentType("application/zip").body(new byte[]{1, 2, 3})
                .post("/api/v1/projects/apins").then().statusCode(422)
                .body("detail", containsString("neither a zip nor a tar.gz"));
    }

    /** dbt grants may name the namespace's own managed roles only; another namespace's role is refused at push. */
    @Test
    void grantsToARoleOutsideTheNamespaceAreRefusedAtPush() {
        Map<String, String> files = project("select 1 as x");
        files.put("models/grants.yml", """
                models:
                  - name: api_total
                    config:
                      grants:
                        select: [reader, strata_ns_elsewhere]
                """);
        given().auth().oauth2(engineer).contentType("application/zip").body(Archives.zip("", files))
                .post("/api/v1/projects/apins").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors.size()", equalTo(1))
                .body("errors[0].file", equalTo("models/grants.yml"))
                .body("errors[0].line", equalTo(5))
                .body("errors[0].message", containsString("column 26: api_total: grants select:"
                        + " 'strata_ns_elsewhere' is another namespace's role"))
                .body("detail", containsString("models/grants.yml:5: column 26: api_total: grants select:"
                        + " 'strata_ns_elsewhere'"));
        files.put("models/grants.yml", files.get("models/grants.yml").replace(", strata_ns_elsewhere", ""));
        given().auth().oauth2(engineer).contentType("application/zip").body(Archives.zip("", files))
                .post("/api/v1/projects/apins").then().statusCode(201);
    }

    @Test
    void rolesAndNamespaces() {
        byte[] archive = Archives.zip("", project("select 1 as x"));
        given().auth().oauth2(engineer).contentType("application/zip").body(archive).post("/api/v1/projects/apins")
                .then().statusCode(201);
        given().contentType("application/zip").body(archive).post("/api/v1/projects/apins").then().statusCode(401);
        given().auth().oauth2(viewer).contentType("application/zip").body(archive).post("/api/v1/projects/apins")
                .then().statusCode(403);
        given().auth().oauth2(outsider).contentType("application/zip").body(archive).post("/api/v1/projects/apins")
                .then().statusCode(404);
        given().auth().oauth2(viewer).contentType("application/json").body(Map.of())
                .post("/api/v1/projects/apins/apishop/builds").then().statusCode(403);
        given().auth().oauth2(engineer).contentType("application/json").body(Map.of("select", "nothing_here"))
                .post("/api/v1/projects/apins/apishop/builds").then().statusCode(400)
                .body("detail", containsString("matches no model"));
    }
}
