package dev.strata.registry.preview;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.sql.Connection;
import java.sql.Statement;
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

/** A dataset's quarantined rows come from the table ingest writes them to, read as the namespace's own role. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class QuarantineTest {

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    /** The quarantine table exactly as ingest's Loader makes and fills it, as the namespace's own role. */
    private void quarantine(String namespace, String name, String... values) throws Exception {
        String table = namespace.replace('-', '_') + "__quarantine." + name;
        try (Connection c = roles.open(namespace); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (load_id uuid NOT NULL, file text NOT NULL, "
                    + "line bigint NOT NULL, column_name text, value text, reason text NOT NULL, record jsonb, "
                    + "quarantined_at timestamptz NOT NULL DEFAULT now())");
            for (String v : values) {
                s.execute("INSERT INTO " + table + " VALUES " + v);
            }
        }
    }

    private void register(String namespace, String name) {
        given().auth().oauth2(Callers.token(stack, Map.of(namespace, "engineer"))).contentType(ContentType.JSON)
                .body("{\"namespace\":\"" + namespace + "\",\"name\":\"" + name + "\",\"layer\":\"raw\"}")
                .post("/api/v1/datasets").then().statusCode(201);
    }

    @Test
    void theRowsComeNewestFirstWithTheirReasons() throws Exception {
        register("depot", "q_orders");
        quarantine("depot", "q_orders",
                "('11111111-1111-1111-1111-111111111111', 'orders.csv', 4, 'amount', 'abc', "
                        + "'value ''abc'' is not a valid numeric', '{\"id\":\"3\",\"amount\":\"abc\"}', "
                        + "'2026-12-01T10:00:00Z')",
                "('22222222-2222-2222-2222-222222222222', 'orders2.csv', 9, 'id', 'x', "
                        + "'value ''x'' is not a valid bigint', '{\"id\":\"x\"}', '2026-12-02T10:00:00Z')",
                "('22222222-2222-2222-2222-222222222222', 'orders2.csv', 2, NULL, NULL, 'ragged row: 3 fields, "
                        + "2 expected', NULL, '2026-12-02T10:00:00Z')");

        given().auth().oauth2(Callers.token(stack, Map.of("depot", "analyst")))
                .get("/api/v1/datasets/depot/q_orders/quarantine?limit=2").then().statusCode(200)
                .body("dataset", equalTo("depot.q_orders"))
                .body("table", equalTo("depot__quarantine.q_orders"))
                .body("total", equalTo(3))
                .body("limit", equalTo(2))
                .body("rows", hasSize(2))
                .body("rows.file", equalTo(List.of("orders2.csv", "orders2.csv")))
                .body("rows.line", equalTo(List.of(2, 9)))
                .body("rows[0].reason", equalTo("ragged row: 3 fields, 2 expected"))
                .body("rows[1].column", equalTo("id"))
                .body("rows[1].value", equalTo("x"))
                .body("rows[1].reason", equalTo("value 'x' is not a valid bigint"))
                .body("rows[1].loadId", equalTo("22222222-2222-2222-2222-222222222222"))
                .body("rows[1].record", equalTo("{\"id\": \"x\"}"));
    }

    @Test
    void aDatasetWhoseLoadsQuarantinedNothingHasNoRows() {
        register("depot", "q_clean");
        given().auth().oauth2(Callers.token(stack, Map.of("depot", "engineer")))
                .get("/api/v1/datasets/depot/q_clean/quarantine").then().statusCode(200)
                .body("total", equalTo(0)).body("rows", hasSize(0)).body("limit", equalTo(50));
    }

    @Test
    void theRowsNeedTheAnalystRoleInTheDatasetsOwnNamespaceAndABoundedLimit() throws Exception {
        register("depot", "q_refunds");
        quarantine("depot", "q_refunds", "(gen_random_uuid(), 'r.csv', 2, 'amount', 'secret-ish', 'bad', NULL, now())");
        given().auth().oauth2(Callers.token(stack, Map.of("depot", "viewer")))
                .get("/api/v1/datasets/depot/q_refunds/quarantine").then().statusCode(403);
        // another namespace's analyst (or admin) cannot tell the dataset exists
        given().auth().oauth2(Callers.token(stack, Map.of("thief", "admin")))
                .get("/api/v1/datasets/depot/q_refunds/quarantine").then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(Callers.token(stack, Map.of("depot", "analyst")))
                .get("/api/v1/datasets/depot/q_refunds/quarantine?limit=0").then().statusCode(400)
                .body("detail", containsString("limit must be between 1 and 1000"));
        given().auth().oauth2(Callers.token(stack, Map.of("depot", "analyst")))
                .get("/api/v1/datasets/depot/nothing/quarantine").then().statusCode(404);
    }
}
