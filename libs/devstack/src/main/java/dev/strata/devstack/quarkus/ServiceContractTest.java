package dev.strata.devstack.quarkus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;

/**
 * What every Strata service promises from day one, checked against the real dev stack: readiness that reports each
 * real dependency and follows Postgres down and back up, Prometheus metrics, an OpenAPI document, and its own schema
 * migrated by Flyway; and an API whose refusals are problem details that no browser or proxy stores. A service test
 * extends this class and is annotated with {@code @QuarkusTest} and {@code @WithTestResource(DevStackResource.class)}.
 */
public abstract class ServiceContractTest {

    protected static final String PROBLEM_JSON = "application/problem+json";
    private static final String DATABASE_CHECK = "Database connections health check";

    @InjectDevStack
    protected DevStack stack;

    /** The service's own schema. */
    protected abstract String schema();

    /** The names of the readiness checks the service must report, one per real dependency. */
    protected abstract List<String> readinessChecks();

    /**
     * A GET under {@code /api} that needs a bearer token, for the checks of refused calls; empty when the service
     * answers no API of its own (the gateway forwards {@code /api} and is checked by its own tests).
     */
    protected Optional<String> securedApiPath() {
        return Optional.empty();
    }

    @Test
    void anApiCallWithoutATokenIsAProblemThatIsNeverStored() {
        String path = securedApiPathOrSkip();
        refusal(given().get(path), 401).header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void aBearerTokenThatIsNotAJwtIsAProblemThatDoesNotRepeatIt() {
        String path = securedApiPathOrSkip();
        String token = "not-a-jwt-" + UUID.randomUUID();
        Response answer = given().auth().oauth2(token).get(path);
        refusal(answer, 401).header("WWW-Authenticate", containsString("invalid_token"));
        assertFalse(answer.asString().contains(token), "the answer repeats the token: " + answer.asString());
    }

    /**
     * What every refused API call shows: the status, an RFC 9457 problem (libs/web's shape) with a sentence and no
     * stack trace, and {@code Cache-Control: no-store}.
     */
    protected static ValidatableResponse refusal(Response answer, int status) {
        String body = answer.asString();
        assertFalse(body.contains("Exception") || body.contains("\tat "), "a stack trace in the answer: " + body);
        return answer.then().statusCode(status)
                .contentType(startsWith(PROBLEM_JSON))
                .header("Cache-Control", containsString("no-store"))
                .body("type", startsWith("urn:strata:problem:"))
                .body("status", equalTo(status))
                .body("title", not(emptyOrNullString()))
                .body("detail", not(emptyOrNullString()));
    }

    private String securedApiPathOrSkip() {
        Optional<String> path = securedApiPath();
        Assumptions.assumeTrue(path.isPresent(), "no API of its own: checked by the service's own tests");
        return path.get();
    }

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
