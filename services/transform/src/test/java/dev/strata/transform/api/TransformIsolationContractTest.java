package dev.strata.transform.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.NamespaceIsolationContractTest;
import dev.strata.transform.Archives;
import dev.strata.transform.TransformStack;

/**
 * The API half of transform's namespace wall: B's admin can neither list, read nor build A's projects, versions and
 * builds. The data half (models reaching for B in Postgres) is {@link NamespaceIsolationTest}.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class TransformIsolationContractTest extends NamespaceIsolationContractTest {

    @Override
    protected List<Probe> resourcesOf(String ns, String adminToken) throws Exception {
        byte[] project = Archives.zip("", Map.of(
                "dbt_project.yml", "name: iso_shop\nversion: '1.0.0'\nconfig-version: 2\n",
                "models/iso_one.sql", "select 1 as v\n"));
        given().auth().oauth2(adminToken).contentType("application/zip").body(project)
                .post("/api/v1/projects/" + ns).then().statusCode(201);
        String buildId = given().auth().oauth2(adminToken).contentType("application/json").body(Map.of())
                .post("/api/v1/projects/" + ns + "/iso_shop/builds").then().statusCode(202).extract().path("id");
        JsonPath build = TransformStack.waitForBuild(adminToken, buildId);
        assertEquals("success", build.getString("status"), build.prettify());
        return List.of(
                Probe.read("project versions", "/api/v1/projects/" + ns + "/iso_shop"),
                Probe.read("project version", "/api/v1/projects/" + ns + "/iso_shop/versions/1"),
                Probe.read("build", "/api/v1/builds/" + buildId),
                Probe.change("build", "POST", "/api/v1/projects/" + ns + "/iso_shop/builds", "{}"));
    }

    @Override
    protected List<String> listsOf(String other) {
        return List.of("/api/v1/builds?limit=500");
    }
}
