package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.NamespaceIsolationContractTest;

/** The namespace wall of the scheduler's API: B's admin reaches none of A's pipelines, versions, runs or triggers. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class SchedulerNamespaceIsolationContractTest extends NamespaceIsolationContractTest {

    /** Stands in for the notifier: it reports the pipeline's notify task, as the notifier does. */
    private static TestWorker notifier;

    @Override
    protected List<Probe> resourcesOf(String namespace, String adminToken) {
        synchronized (SchedulerNamespaceIsolationContractTest.class) {
            if (notifier == null) {
                notifier = new TestWorker(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers",
                        String.class));
                Runtime.getRuntime().addShutdownHook(new Thread(notifier::close));
            }
        }
        String yaml = """
                namespace: %s
                id: walled
                schedule: {cron: "0 3 * * *", timezone: UTC}
                triggers:
                  - type: webhook
                tasks:
                  - {id: tell, type: notify, inputs: {channel: alerts, message: hello}}
                """.formatted(namespace);
        given().auth().oauth2(adminToken).contentType("application/yaml")
                .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines")
                .then().statusCode(201);
        String runId = given().auth().oauth2(adminToken).contentType("application/json").body("{}")
                .post("/api/v1/pipelines/" + namespace + "/walled/runs").then().statusCode(202).extract()
                .path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(given().auth().oauth2(adminToken)
                .get("/api/v1/runs/" + runId).then().extract().path("state")));
        String pipeline = "/api/v1/pipelines/" + namespace + "/walled";
        return List.of(
                Probe.read("pipeline", pipeline),
                Probe.read("pipeline versions", pipeline + "/versions"),
                Probe.read("run", "/api/v1/runs/" + runId),
                Probe.change("pipeline", "DELETE", pipeline, null),
                Probe.change("pipeline pause", "POST", pipeline + "/pause", null),
                Probe.change("pipeline resume", "POST", pipeline + "/resume", null),
                Probe.change("run trigger", "POST", pipeline + "/runs", "{}"),
                Probe.change("webhook trigger", "POST", pipeline + "/webhook", "{}"),
                Probe.change("backfill", "POST", pipeline + "/backfills",
                        "{\"start\":\"2026-10-01T00:00:00Z\",\"end\":\"2026-10-02T00:00:00Z\"}"),
                Probe.change("run", "POST", "/api/v1/runs/" + runId + "/cancel", null));
    }

    @Override
    protected List<String> listsOf(String other) {
        return List.of("/api/v1/pipelines", "/api/v1/runs", "/api/v1/pipelines?namespace=" + other);
    }
}
