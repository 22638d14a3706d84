package dev.strata.transform.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
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

/**
 * Builds left {@code running} by a worker that died: once their lease runs out (no heartbeat) a live worker claims
 * them again and runs them from the start; a build whose workers died {@code max-claims} times ends in error; a build
 * whose worker still heartbeats is left alone.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class CrashedBuildTest {

    @InjectDevStack
    DevStack stack;

    @Inject
    AgroalDataSource db;

    @Test
    void aBuildOfADeadWorkerIsClaimedAgainAndFinished() throws Exception {
        String engineer = new IssuerClient(stack.auth()).tokenFor(Map.of("leasens", "engineer"));
        String version = given().auth().oauth2(engineer).contentType("application/zip").body(Archives.zip(
                "leaseshop/", Map.of("dbt_project.yml", "name: leaseshop\n", "models/lease_orders.sql",
                        "{{ config(materialized='table', schema='gold') }}\n"
                                + "select g as id from generate_series(1, 5) g")))
                .post("/api/v1/projects/leasens").then().statusCode(201).extract().jsonPath().getString("id");

        // as a crashed worker leaves them: running, one step recorded, no heartbeat for ten minutes
        // (the live worker's last heartbeat is put ahead of now, so that a slow machine cannot let its lease run out)
        UUID alive = insert(version, "3 minutes", "-10 minutes", "alive-worker", 1, null);
        UUID lost = insert(version, "2 minutes", "10 minutes", "crashed-worker", 1, null);
        UUID doomed = insert(version, "1 minute", "10 minutes", "crashed-worker", 3, UUID.randomUUID());
        TransformStack.sql(db, "insert into node_run (build_id, node, kind, status, duration_ms, started_at) values ('"
                + lost + "', 'lease_orders', 'model', 'success', 1, now() - interval '2 minutes')");

        JsonPath rerun = TransformStack.waitForBuild(engineer, lost);
        assertEquals("success", rerun.getString("status"), rerun.prettify());
        List<Map<String, Object>> nodes = rerun.getList("nodes");
        assertEquals(1, nodes.size(), "the lost attempt's step is replaced by the new one: " + nodes);
        assertEquals("success", nodes.get(0).get("status"));
        assertEquals(5,
                TransformStack.count(TransformStack.superuser(), "select count(*) from leasens__gold.lease_orders"));
        List<Object> lease = TransformStack.rows(db, "select claims, claimed_by from build where id = '" + lost + "'")
                .get(0);
        assertEquals(2, lease.get(0));
        assertNotEquals("crashed-worker", lease.get(1));

        JsonPath given = TransformStack.waitForBuild(engineer, doomed);
        assertEquals("error", given.getString("status"));
        assertTrue(given.getString("error").contains("stopped 3 times"), given.getString("error"));

        // the oldest of the three, but its worker is alive: untouched
        assertEquals(List.of("running", "alive-worker", 1), TransformStack.rows(db,
                "select status, claimed_by, claims from build where id = '" + alive + "'").get(0));
        TransformStack.sql(db, "delete from build where id = '" + alive + "'");
    }

    private UUID insert(String version, String age, String silence, String worker, int claims, UUID taskRun) {
        UUID id = UUID.randomUUID();
        String task = taskRun == null ? "null, null" : "'" + taskRun + "', '" + UUID.randomUUID() + "'";
        TransformStack.sql(db, "insert into build (id, namespace, project, version_id, status, task_run_id, run_id,"
                + " requested_by, created_at, started_at, heartbeat_at, claimed_by, claims) values ('" + id
                + "', 'leasens', 'leaseshop', '" + version + "', 'running', " + task + ", 'test', now() - interval '"
                + age + "', now() - interval '" + age + "', now() - interval '" + silence + "', '" + worker + "', "
                + claims + ")");
        return id;
    }
}
