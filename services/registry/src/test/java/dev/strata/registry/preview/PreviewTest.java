package dev.strata.registry.preview;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.registry.testing.Callers;
import dev.strata.warehouse.NamespaceRoles;

/** Preview rows come from the dataset's real table in the warehouse database. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class PreviewTest {

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    /** Runs the statements as the namespace's own role, as its loads and builds do. */
    private void warehouse(String namespace, String... statements) throws Exception {
        try (Connection c = roles.open(namespace); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private void register(String namespace, String name, String layer) {
        given().auth().oauth2(Callers.token(stack, Map.of(namespace, "engineer"))).contentType(ContentType.JSON)
                .body("{\"namespace\":\"" + namespace + "\",\"name\":\"" + name + "\",\"layer\":\"" + layer + "\"}")
                .post("/api/v1/datasets").then().statusCode(201);
    }

    @Test
    void previewReadsTheFirstRowsOfTheWarehouseTable() throws Exception {
        warehouse("metrics", "CREATE TABLE metrics__silver.daily (day date, visits bigint, revenue numeric(10,2), "
                + "active boolean, note text, attrs jsonb)",
                "INSERT INTO metrics__silver.daily VALUES ('2026-11-01', 10, 99.50, true, 'first', '{\"a\":1}'), "
                        + "('2026-11-02', 20, 0.25, false, NULL, NULL), ('2026-11-03', 30, 1.00, true, 'third', "
                        + "'[]')");
        register("metrics", "daily", "silver");

        var body = given().auth().oauth2(Callers.token(stack, Map.of("metrics", "analyst")))
                .get("/api/v1/datasets/metrics/daily/preview?limit=2").then().statusCode(200)
                .body("dataset", equalTo("metrics.daily"))
                .body("table", equalTo("metrics__silver.daily"))
                .body("limit", equalTo(2))
                .body("columns.name", equalTo(List.of("day", "visits", "revenue", "active", "note", "attrs")))
                .body("columns.type", equalTo(List.of("date", "int8", "numeric", "bool", "text", "jsonb")))
                .body("rows", hasSize(2))
                .extract().jsonPath();
        List<Object> first = body.getList("rows[0]");
        List<Object> second = body.getList("rows[1]");
        org.junit.jupiter.api.Assertions.assertEquals(Arrays.asList("2026-11-01", 10, 99.5f, true, "first",
                "{\"a\": 1}"), first);
        org.junit.jupiter.api.Assertions.assertEquals(Arrays.asList("2026-11-02", 20, 0.25f, false, null, null),
                second);

        given().auth().oauth2(Callers.token(stack, Map.of("metrics", "analyst")))
                .get("/api/v1/datasets/metrics/daily/preview").then().statusCode(200).body("rows", hasSize(3));
    }

    @Test
    void identifiersAreQuotedSoAnyNamespaceSpellingIsSafe() throws Exception {
        warehouse("web-shop", "CREATE TABLE web_shop__raw.visits (id int)",
                "INSERT INTO web_shop__raw.visits VALUES (7)");
        register("web-shop", "visits", "raw");
        given().auth().oauth2(Callers.token(stack, Map.of("web-shop", "engineer")))
                .get("/api/v1/datasets/web-shop/visits/preview").then().statusCode(200)
                .body("table", equalTo("web_shop__raw.visits"))
                .body("rows", equalTo(List.of(List.of(7))));
    }

    @Test
    void aDatasetWithoutATableYetAnswersAPlainNotFound() {
        register("metrics", "weekly", "gold");
        given().auth().oauth2(Callers.token(stack, Map.of("metrics", "analyst")))
                .get("/api/v1/datasets/metrics/weekly/preview").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("Dataset 'metrics.weekly' has no table metrics__gold.weekly in the "
                        + "warehouse yet: load or build it first."));
    }

    @Test
    void previewNeedsTheAnalystRoleInTheNamespaceAndABoundedLimit() throws Exception {
        warehouse("metrics", "CREATE TABLE metrics__bronze.hourly (n int)",
                "INSERT INTO metrics__bronze.hourly VALUES (1)");
        register("metrics", "hourly", "bronze");
        given().auth().oauth2(Callers.token(stack, Map.of("metrics", "viewer")))
                .get("/api/v1/datasets/metrics/hourly/preview").then().statusCode(403);
        given().auth().oauth2(Callers.token(stack, Map.of("other", "analyst")))
                .get("/api/v1/datasets/metrics/hourly/preview").then().statusCode(404);
        given().auth().oauth2(Callers.token(stack, Map.of("metrics", "analyst")))
                .get("/api/v1/datasets/metrics/hourly/preview?limit=100000").then().statusCode(400)
                .body("detail", containsString("limit must be between 1 and 1000"));
    }
}
