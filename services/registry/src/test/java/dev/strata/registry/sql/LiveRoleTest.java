package dev.strata.registry.sql;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
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
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.warehouse.NamespaceRoles;

/**
 * Role changes take effect on the next query: the SQL workspace asks auth for the caller's live role before running
 * SQL, so the same token that queried a moment ago is refused once an admin removes or lowers its binding.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class LiveRoleTest {

    private static final String NS = "sql-live";
    private static final String BASE = "/api/v1/namespaces/" + NS + "/sql/";
    private static boolean seeded;

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    private IssuerClient issuer;

    @BeforeEach
    void seed() throws Exception {
        issuer = new IssuerClient(stack.auth());
        if (seeded) {
            return;
        }
        try (Connection c = roles.open(NS); Statement s = c.createStatement()) {
            s.execute("create table sql_live__gold.sales (id int, amount int)");
            s.execute("insert into sql_live__gold.sales values (1, 10), (2, 20)");
        }
        seeded = true;
    }

    @Test
    void aRemovedBindingRefusesTheSameTokensNextQueryExportAndSavedQueryRun() {
        String token = issuer.tokenFor(Map.of(NS, "analyst"));
        query(token, "select sum(amount) as total from sales").then().statusCode(200)
                .body(containsString("[30]"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"title\":\"Total\",\"sql\":\"select sum(amount) as total from sales\"}")
                .put(BASE + "saved-queries/total").then().statusCode(201);
        run(token, "total").then().statusCode(200).body(containsString("[30]"));

        authAsAdmin().delete("/api/v1/role-bindings/" + bindingOf(token)).then().statusCode(204);

        String sentence = "Your role in " + NS + " changed: you are now without a role there";
        query(token, "select sum(amount) as total from sales").then().statusCode(403)
                .contentType("application/problem+json").body("status", equalTo(403))
                .body("detail", containsString(sentence)).body("detail", containsString("needs analyst"));
        run(token, "total").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString(sentence));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("sql", "select * from sales"))
                .post(BASE + "exports").then().statusCode(403).body("detail", containsString(sentence));
    }

    @Test
    void anAnalystLoweredToViewerIsRefusedWithItsNewRole() {
        String token = issuer.tokenFor(Map.of(NS, "analyst"));
        query(token, "select count(*) from sales").then().statusCode(200).body(containsString("[2]"));

        authAsAdmin().contentType(ContentType.JSON).body(Map.of("principalKind", "service_account", "principal",
                subjectOf(token).substring("sa:".length()), "namespace", NS, "role", "viewer"))
                .post("/api/v1/role-bindings").then().statusCode(200).body("role", equalTo("viewer"));

        query(token, "select count(*) from sales").then().statusCode(403)
                .body("detail", containsString("Your role in " + NS + " changed: you are now viewer there"));
    }

    @Test
    void aRoleRaisedOnEveryNamespaceStillQueries() {
        String token = issuer.tokenFor(Map.of(NS, "analyst"));
        authAsAdmin().contentType(ContentType.JSON).body(Map.of("principalKind", "service_account", "principal",
                subjectOf(token).substring("sa:".length()), "namespace", "*", "role", "engineer"))
                .post("/api/v1/role-bindings").then().statusCode(201);
        authAsAdmin().delete("/api/v1/role-bindings/" + bindingOf(token)).then().statusCode(204);

        // the binding on the namespace is gone, the one on '*' counts: engineer is more than analyst
        query(token, "select count(*) from sales").then().statusCode(200).body(containsString("[2]"));
    }

    private Response query(String token, String sql) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("sql", sql))
                .post(BASE + "queries");
    }

    private Response run(String token, String name) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body("{}")
                .post(BASE + "saved-queries/" + name + "/run");
    }

    private RequestSpecification authAsAdmin() {
        return given().baseUri(stack.auth().issuer()).auth().oauth2(issuer.adminToken());
    }

    /** The id of the token's service account's binding on {@link #NS}, as the admin lists it at auth. */
    private String bindingOf(String token) {
        String name = subjectOf(token).substring("sa:".length());
        JsonPath bindings = authAsAdmin().queryParam("namespace", NS).get("/api/v1/role-bindings").then()
                .statusCode(200).extract().jsonPath();
        String id = bindings.getString("find { it.principal == '" + name + "' }.id");
        assertEquals(36, id == null ? 0 : id.length(), "the service account has a binding on " + NS);
        return id;
    }

    private static String subjectOf(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return JsonPath.from(payload).getString("sub");
    }
}
