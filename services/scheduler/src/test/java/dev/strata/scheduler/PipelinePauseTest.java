package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.events.DatasetUpdated;
import dev.strata.scheduler.schedule.CronFirer;
import dev.strata.scheduler.trigger.DatasetTriggers;

/**
 * Pause and resume: a paused pipeline's cron, data and webhook triggers start nothing, a person may still trigger it;
 * engineers pause, viewers are refused (403), other namespaces see nothing (404).
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class PipelinePauseTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Inject
    CronFirer firer;

    @Inject
    DatasetTriggers datasetTriggers;

    @Inject
    AgroalDataSource db;

    @Override
    protected DevStack stack() {
        return stack;
    }

    @Test
    void aPausedPipelineFiresNothingButAManualTriggerAndResumesAtTheNextFire() throws Exception {
        worker();
        submitOk("""
                namespace: ops
                id: nightly
                schedule: {cron: "* * * * *", timezone: UTC}
                triggers:
                  - {type: dataset_updated, dataset: ops.feed}
                  - type: webhook
                tasks:
                  - {id: tell, type: notify, inputs: {channel: ops-alerts, message: tick}}
                """);
        IssuerClient issuer = new IssuerClient(stack.auth());
        String engineer = issuer.tokenFor(Map.of("ops", "engineer"));
        String viewer = issuer.tokenFor(Map.of("ops", "viewer"));
        String stranger = issuer.tokenFor(Map.of("elsewhere", "admin"));
        String pipeline = "/api/v1/pipelines/ops/nightly";

        given().auth().oauth2(viewer).post(pipeline + "/pause").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(stranger).post(pipeline + "/pause").then().statusCode(404);
        given().auth().oauth2(stranger).post(pipeline + "/resume").then().statusCode(404);
        given().auth().oauth2(engineer).post("/api/v1/pipelines/ops/nothing/pause").then().statusCode(404)
                .body("detail", equalTo("there is no pipeline ops.nothing"));

        JsonPath paused = given().auth().oauth2(engineer).post(pipeline + "/pause").then().statusCode(200)
                .body("paused", equalTo(true)).body("nextFireAt", nullValue()).extract().jsonPath();
        assertNotNull(paused.getString("pausedAt"));
        assertTrue(paused.getString("pausedBy").startsWith("test-"), paused.prettify());
        given().auth().oauth2(viewer).get(pipeline).then().statusCode(200).body("paused", equalTo(true));
        // pausing again keeps the first pause
        given().auth().oauth2(engineer).post(pipeline + "/pause").then().statusCode(200)
                .body("pausedAt", equalTo(paused.getString("pausedAt")));

        // a day of cron rounds, a dataset update and a webhook: no run
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.DAYS);
        setNextFire(db, "nightly", base);
        for (int m = 0; m < 3; m++) {
            firer.fireDue(base.plusSeconds(60L * m + 1), "test");
        }
        QuarkusTransaction.requiringNew().run(() -> datasetTriggers.onDatasetUpdated(new DatasetUpdated("ops",
                "feed", UUID.randomUUID(), 10, 100, UUID.randomUUID(), "s3://x", null, List.of())));
        given().auth().oauth2(engineer).contentType("application/json").body("{}").post(pipeline + "/webhook")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:strata:problem:pipeline-paused"));
        assertEquals(0, count(db, "SELECT count(*) FROM run WHERE namespace = 'ops' AND pipeline_id = 'nightly'"));
        assertEquals(0, count(db, "SELECT count(*) FROM schedule_fire WHERE pipeline_id = 'nightly'"));

        // a person may still start it
        UUID manual = trigger("ops", "nightly", Map.of());
        assertEquals("manual", run(manual).getString("trigger"));

        // resumed: the next fire is the first after now, the missed ones are not run
        Instant before = Instant.now();
        JsonPath resumed = given().auth().oauth2(engineer).post(pipeline + "/resume").then().statusCode(200)
                .body("paused", equalTo(false)).body("pausedAt", nullValue()).extract().jsonPath();
        Instant next = Instant.parse(resumed.getString("nextFireAt"));
        assertTrue(next.isAfter(before) && next.isBefore(before.plusSeconds(61)), next.toString());
        assertEquals(1, firer.fireDue(next.plusSeconds(1), "test").runs());
        assertEquals(1,
                count(db, "SELECT count(*) FROM run WHERE pipeline_id = 'nightly' AND trigger = 'schedule'"));
        QuarkusTransaction.requiringNew().run(() -> datasetTriggers.onDatasetUpdated(new DatasetUpdated("ops",
                "feed", UUID.randomUUID(), 10, 100, UUID.randomUUID(), "s3://x", null, List.of())));
        assertEquals(1,
                count(db,
                        "SELECT count(*) FROM run WHERE pipeline_id = 'nightly' AND trigger = 'dataset:ops.feed'"));
        assertNull(given().auth().oauth2(viewer).get(pipeline).then().statusCode(200).extract().path("pausedBy"));
    }

}
