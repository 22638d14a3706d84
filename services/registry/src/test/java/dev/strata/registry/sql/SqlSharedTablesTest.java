package dev.strata.registry.sql;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.SQLException;
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
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.registry.share.ShareService;
import dev.strata.registry.testing.Callers;
import dev.strata.warehouse.NamespaceRoles;

/**
 * A table another namespace shared is readable in the SQL workspace (as the reading namespace's read-only role), and
 * only that table, until the share is taken back; shares made before the read-only role got them are granted again at
 * start.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class SqlSharedTablesTest {

    private static final String A = "share-a";
    private static final String B = "share-b";

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    @Inject
    ShareService shares;

    private RequestSpecification as(String namespace, String role) {
        return given().auth().oauth2(Callers.token(stack, Map.of(namespace, role))).contentType(ContentType.JSON);
    }

    private Response query(String sql) {
        return as(B, "analyst").body(Map.of("sql", sql)).post("/api/v1/namespaces/" + B + "/sql/queries");
    }

    private List<Object> firstColumn(String sql) {
        Response response = query(sql);
        response.then().statusCode(200);
        List<JsonPath> lines = Arrays.stream(response.asString().split("\n")).map(JsonPath::new).toList();
        return lines.subList(1, lines.size() - 1).stream().map(l -> l.getList("$").get(0)).toList();
    }

    @Test
    void anAnalystOfBReadsTheTableASharedUntilItIsTakenBack() throws Exception {
        as(A, "engineer").body("{\"namespace\":\"" + A + "\",\"name\":\"kpis\",\"layer\":\"gold\"}")
                .post("/api/v1/datasets").then().statusCode(201);
        try (Connection c = roles.open(A); Statement s = c.createStatement()) {
            s.execute("create table share_a__gold.kpis (k text, v int)");
            s.execute("insert into share_a__gold.kpis values ('visits', 10), ('orders', 3)");
            s.execute("create table share_a__gold.costs (c text)");
            s.execute("insert into share_a__gold.costs values ('a only')");
        }
        roles.ensure(B);
        String kpis = "select k from share_a__gold.kpis order by v desc";
        query(kpis).then().statusCode(403).body("title", equalTo("Query refused"))
                .body("detail", containsString("belongs to namespace 'share-a'"));

        String share = "/api/v1/namespaces/" + A + "/datasets/kpis/shares";
        as(A, "admin").body("{\"namespace\":\"" + B + "\"}").post(share).then().statusCode(201);
        assertEquals(List.of("visits", "orders"), firstColumn(kpis));
        // exactly that table: Postgres refuses the rest of A's schema
        query("select * from share_a__gold.costs").then().statusCode(403).body("title", equalTo("Query refused"))
                .body("detail", containsString("permission denied"));
        // autocompletion lists the shared table with its dataset, and nothing else of A
        JsonPath schema = as(B, "analyst").get("/api/v1/namespaces/" + B + "/sql/schema").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("kpis"), schema.getList("schemas.find { it.name == 'share_a__gold' }.tables.name"));
        assertEquals("share-a.kpis", schema.getString(
                "schemas.find { it.name == 'share_a__gold' }.tables.find { it.name == 'kpis' }.dataset"));

        // a share made before the read-only roles got shares: granted again at start
        try (Connection c = roles.open(A); Statement s = c.createStatement()) {
            s.execute("revoke select on share_a__gold.kpis from strata_nsr_share_b");
        }
        query(kpis).then().statusCode(403).body("detail", containsString("permission denied"));
        shares.regrantAll();
        assertEquals(List.of("visits", "orders"), firstColumn(kpis));

        as(A, "admin").delete(share + "/" + B).then().statusCode(204);
        query(kpis).then().statusCode(403).body("title", equalTo("Query refused"));
        try (Connection c = roles.openReader(B); Statement s = c.createStatement()) {
            assertThrows(SQLException.class,
                    () -> s.executeQuery("select * from share_a__gold.kpis"), "Postgres refuses it too");
        }
    }
}
