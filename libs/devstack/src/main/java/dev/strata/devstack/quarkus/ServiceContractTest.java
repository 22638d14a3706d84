package dev.strata.devstack.quarkus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;

/**
 * What every Strata service promises from day one, checked against the real dev stack: readiness that reports each
 * real dependency and follows Postgres down and back up, Prometheus metrics, an OpenAPI document, and its own schema
 * migrated by Flyway. A service test extends this class and is annotated with {@code @QuarkusTest} and
 * {@code @WithTestResource(DevStackResource.class)}.
 */
public abstract class ServiceContractTest {

    private static final String DATABASE_CHECK = "Database connections health check";

    @InjectDevStack
    protected DevStack stack;

    /** The service's own schema. */
    protected abstract String schema();

    /** The names of the readiness checks the service must report, one per real dependency. */
    protected abstract List<String> readinessChecks();

    @Test
    void readinessReportsEveryRealDependency() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.name", hasItems(readinessChecks().toArray(String[]::new)));
    }

    @Test
    void readinessGoesDownWithPostgresAndUpWhenItReturns() {
        given().get("/q/health/ready").then().statusCode(200);
        stack.postgres().stop();
        try {
            JsonPath down = awaitReadiness(503);
            assertTrue(down.getList("checks.findAll { it.status == 'DOWN' }.name").contains(DATABASE_CHECK),
                    "the database check should be the one that is DOWN: " + down.prettify());
            // liveness is not readiness: the process is fine, it must not be restarted for a database outage
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            stack.postgres().start();
        }
        JsonPath up = awaitReadiness(200);
        assertTrue(up.getList("checks.name").contains(DATABASE_CHECK));
    }

    @Test
    void metricsAreExposedInPrometheusFormat() {
        // one application request, so that HTTP server metrics have something to count
        given().get("/api/v1/contract-probe").then().statusCode(org.hamcrest.Matchers.oneOf(401, 404));
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("http_server_requests_seconds"));
    }

    @Test
    void openApiDocumentIsPublished() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("openapi", org.hamcrest.Matchers.startsWith("3."))
                .body("info.title", not(org.hamcrest.Matchers.emptyOrNullString()));
    }

    @Test
    void flywayMigratedTheServiceSchema() throws Exception {
        try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB);
                PreparedStatement s = c.prepareStatement(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1")) {
            s.setString(1, schema());
            List<String> tables = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            org.hamcrest.MatcherAssert.assertThat(tables, hasItems("flyway_schema_history", "outbox"));
            org.hamcrest.MatcherAssert.assertThat(tables, hasItem("processed_event"));
        }
    }

    private static JsonPath awaitReadiness(int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int last = -1;
        String body = "";
        while (System.nanoTime() < deadline) {
            var response = given().get("/q/health/ready");
            last = response.statusCode();
            body = response.asString();
            if (last == status) {
                return response.jsonPath();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("readiness did not answer " + status + " within 30 s; last " + last + ": " + body);
    }
}
