package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;

@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class PipelineValidationTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Override
    protected DevStack stack() {
        return stack;
    }

    private static final String VALID = """
            namespace: sales
            id: valid_%s
            schedule:
              cron: "0 5 * * *"
              timezone: Europe/Paris
            tasks:
              - id: a
                type: notify
                inputs: {channel: data-alerts, message: hello}
              - id: b
                type: notify
                depends_on: [a]
                inputs: {channel: data-alerts, message: done}
            """;

    /** Submits the YAML and answers the problem body, asserting a 400. */
    private JsonPath refused(String yaml) {
        return submit(yaml).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:strata:problem:invalid-pipeline")).extract().jsonPath();
    }

    @Test
    void anUnknownFieldIsRefusedWithItsPathAndLine() {
        JsonPath p = refused("""
                namespace: sales
                id: typo
                tasks:
                  - id: a
                    type: notify
                    retrys: 3
                    inputs: {channel: c, message: m}
                """);
        assertEquals("tasks[0].retrys", p.getString("errors[0].path"));
        assertEquals(6, p.getInt("errors[0].line"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("detail"), containsString("unknown field 'retrys'"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[0].message"), containsString("retries"));
    }

    @Test
    void anUnknownFieldOfAnInlineLoadSpecIsRefusedNotCarriedToIngestAndIgnored() {
        JsonPath p = refused("""
                namespace: sales
                id: spec_typo
                tasks:
                  - id: load
                    type: ingest
                    inputs:
                      spec:
                        namespace: sales
                        name: orders
                        source: {kind: http, url: "https://example.com/orders.csv", merge_key: [id]}
                        load_mode: merge
                        columns:
                          - {name: id, type: bigint, pii: true}
                """);
        assertEquals(List.of("tasks[0].inputs.spec.load_mode", "tasks[0].inputs.spec.source.merge_key",
                "tasks[0].inputs.spec.columns[0].pii"), p.getList("errors.path"));
        assertEquals(List.of(11, 10, 13), p.getList("errors.line"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[0].message"), containsString("unknown field "
                + "'load_mode'; the fields here are namespace, name, source, format, loadMode, mergeKey"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[1].message"), containsString("kind, url"));
    }

    @Test
    void anUnknownTaskTypeIsRefused() {
        JsonPath p = refused("""
                namespace: sales
                id: bad_type
                tasks:
                  - id: a
                    type: spark
                """);
        assertEquals("tasks[0].type", p.getString("errors[0].path"));
        assertEquals(5, p.getInt("errors[0].line"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[0].message"),
                containsString("unknown task type 'spark'"));
    }

    @Test
    void aCycleIsRefusedNamingItsTasks() {
        JsonPath p = refused("""
                namespace: sales
                id: cyclic
                tasks:
                  - id: a
                    type: notify
                    depends_on: [c]
                    inputs: {channel: x, message: m}
                  - id: b
                    type: notify
                    depends_on: [a]
                    inputs: {channel: x, message: m}
                  - id: c
                    type: notify
                    depends_on: [b]
                    inputs: {channel: x, message: m}
                """);
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[0].path"), containsString("].depends_on"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[0].message"), containsString("cycle"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[0].message"), containsString("a → c → b → a"));
    }

    @Test
    void anUnknownDependencyIsRefused() {
        JsonPath p = refused("""
                namespace: sales
                id: dangling
                tasks:
                  - id: a
                    type: notify
                    depends_on: [nope]
                    inputs: {channel: x, message: m}
                """);
        assertEquals("tasks[0].depends_on[0]", p.getString("errors[0].path"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[0].message"), containsString("'nope'"));
    }

    @Test
    void anInvalidCronAndTimezoneAreRefused() {
        JsonPath p = refused("""
                namespace: sales
                id: bad_schedule
                schedule:
                  cron: "61 * * * *"
                  timezone: Mars/Olympus
                tasks:
                  - id: a
                    type: notify
                    inputs: {channel: x, message: m}
                """);
        List<String> paths = p.getList("errors.path");
        assertEquals(List.of("schedule.cron", "schedule.timezone"), paths);
        assertEquals(4, p.getInt("errors[0].line"));
        assertEquals(5, p.getInt("errors[1].line"));
        org.hamcrest.MatcherAssert.assertThat(p.getString("errors[1].message"), containsString("Mars/Olympus"));
    }

    @Test
    void brokenYamlAndMissingInputsAreRefused() {
        JsonPath syntax = refused("namespace: sales\nid: x\ntasks: [\n  - id: a\n");
        assertEquals("", syntax.getString("errors[0].path"));
        org.hamcrest.MatcherAssert.assertThat(syntax.getString("errors[0].message"),
                containsString("cannot be read"));
        JsonPath inputs = refused("""
                namespace: sales
                id: no_spec
                tasks:
                  - id: load
                    type: ingest
                    timeout: soon
                """);
        assertEquals(List.of("tasks[0].timeout", "tasks[0].inputs.spec"), inputs.getList("errors.path"));
    }

    @Test
    void validateAnswersWithoutStoring() {
        String yaml = VALID.formatted("dry");
        given().auth().oauth2(token()).contentType("application/yaml")
                .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines/validate")
                .then().statusCode(200).body("valid", equalTo(true)).body("tasks", equalTo(2));
        given().auth().oauth2(token()).get("/api/v1/pipelines/sales/valid_dry").then().statusCode(404);
    }

    @Test
    void validateDrawsADiamondWithItsLayoutParamsAndNextFiresInItsTimezone() {
        String yaml = """
                namespace: sales
                id: diamond
                schedule: {cron: "0 5 * * *", timezone: Europe/Paris}
                params: {region: eu, limit: 10}
                tasks:
                  - {id: extract, type: notify, inputs: {channel: c, message: m}}
                  - {id: left, type: notify, depends_on: [extract], inputs: {channel: c, message: m}}
                  - {id: right, type: sql, depends_on: [extract], inputs: {sql: select 1}}
                  - {id: join, type: notify, depends_on: [left, right], inputs: {channel: c, message: m}}
                """;
        JsonPath v = given().auth().oauth2(token()).contentType("application/yaml")
                .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines/validate")
                .then().statusCode(200).body("valid", equalTo(true)).body("tasks", equalTo(4)).extract().jsonPath();
        assertEquals(List.of("extract", "left", "right", "join"), v.getList("graph.id"));
        assertEquals(List.of("notify", "notify", "sql", "notify"), v.getList("graph.type"));
        assertEquals(List.of("left", "right"), v.getList("graph[3].dependsOn"));
        assertEquals(Map.of("region", "eu", "limit", "10"), v.getMap("params"));
        // laid out left to right: the source first, the two branches one layer on at different heights, the join last
        float x0 = v.getFloat("layout.extract.x");
        float xl = v.getFloat("layout.left.x");
        float xr = v.getFloat("layout.right.x");
        float xj = v.getFloat("layout.join.x");
        org.junit.jupiter.api.Assertions.assertTrue(x0 < xl && xl == xr && xr < xj, v.prettify());
        org.junit.jupiter.api.Assertions.assertNotEquals(v.getFloat("layout.left.y"), v.getFloat("layout.right.y"));
        // the next five fires: 05:00 in Paris each day (04:00Z in winter: a UTC reading would say 05:00Z)
        assertEquals("Europe/Paris", v.getString("nextFires.timezone"));
        List<String> at = v.getList("nextFires.at");
        assertEquals(5, at.size(), v.prettify());
        java.time.Instant previous = java.time.Instant.now();
        for (String fire : at) {
            java.time.Instant t = java.time.Instant.parse(fire);
            org.junit.jupiter.api.Assertions.assertTrue(t.isAfter(previous), at.toString());
            var local = t.atZone(java.time.ZoneId.of("Europe/Paris"));
            assertEquals(5, local.getHour(), fire);
            assertEquals(0, local.getMinute(), fire);
            previous = t;
        }
    }

    @Test
    void aPipelineReadAloneCarriesItsGraphAndFiresPausedSaysSoAndAnotherNamespaceSeesNothing() {
        submitOk(VALID.formatted("graph"));
        IssuerClient issuer = new IssuerClient(stack.auth());
        String viewer = issuer.tokenFor(Map.of("sales", "viewer"));
        String stranger = issuer.tokenFor(Map.of("elsewhere", "viewer"));
        String path = "/api/v1/pipelines/sales/valid_graph";
        JsonPath p = given().auth().oauth2(viewer).get(path).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("a", "b"), p.getList("graph.id"));
        assertEquals(List.of("a"), p.getList("graph[1].dependsOn"));
        org.hamcrest.MatcherAssert.assertThat(p.getFloat("layout.b.x"),
                org.hamcrest.Matchers.greaterThan(p.getFloat("layout.a.x")));
        assertEquals(5, p.getList("nextFires.at").size());
        assertEquals(false, p.getBoolean("nextFires.paused"));
        given().auth().oauth2(stranger).get(path).then().statusCode(404).contentType("application/problem+json");

        given().auth().oauth2(token()).post(path + "/pause").then().statusCode(200);
        given().auth().oauth2(viewer).get(path).then().statusCode(200).body("nextFires.paused", equalTo(true))
                .body("nextFires.at", org.hamcrest.Matchers.empty())
                .body("nextFires.timezone", equalTo("Europe/Paris"));
        // a list leaves the drawing out
        given().auth().oauth2(viewer).get("/api/v1/pipelines?namespace=sales").then().statusCode(200)
                .body("find { it.id == 'valid_graph' }.graph", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void aChangedPipelineGetsANewVersionAndARunKeepsItsOwn() {
        worker(); // answers the notify tasks as the notifier does
        String v1 = VALID.formatted("versions");
        submit(v1).then().statusCode(201).body("version", equalTo(1)).body("nextFireAt", notNullValue());
        submit(v1).then().statusCode(200).body("version", equalTo(1)).body("created", equalTo(false));
        String v2 = v1.replace("message: done", "message: done twice");
        submit(v2).then().statusCode(201).body("version", equalTo(2));
        UUID runId = trigger("sales", "valid_versions", Map.of());
        String v3 = v2 + """
                  - id: c
                    type: notify
                    depends_on: [b]
                    inputs: {channel: data-alerts, message: third}
                """;
        submit(v3).then().statusCode(201).body("version", equalTo(3));
        JsonPath run = awaitEnded(runId);
        assertEquals(2, run.getInt("pipelineVersion"));
        assertEquals(List.of("a", "b"), run.getList("tasks.taskId"));
        given().auth().oauth2(token()).get("/api/v1/pipelines/sales/valid_versions").then().statusCode(200)
                .body("version", equalTo(3)).body("tasks", equalTo(List.of("a", "b", "c")));
        given().auth().oauth2(token()).get("/api/v1/pipelines/sales/valid_versions/versions").then()
                .statusCode(200).body("version", equalTo(List.of(3, 2, 1)));
    }

    @Test
    void aWebhookTriggersOnlyPipelinesThatDeclareIt() {
        worker(); // answers the notify tasks as the notifier does
        submitOk(VALID.formatted("no_hook"));
        given().auth().oauth2(token()).contentType("application/json").body(Map.of("day", "2026-11-24"))
                .post("/api/v1/pipelines/sales/valid_no_hook/webhook").then().statusCode(409);
        submitOk(VALID.formatted("hook").replace("tasks:", "triggers:\n  - type: webhook\ntasks:"));
        String runId = given().auth().oauth2(token()).contentType("application/json")
                .body(Map.of("day", "2026-11-24")).post("/api/v1/pipelines/sales/valid_hook/webhook").then()
                .statusCode(202).body("trigger", equalTo("webhook")).extract().path("id");
        JsonPath run = awaitEnded(UUID.fromString(runId));
        assertEquals("succeeded", run.getString("state"));
        assertEquals("2026-11-24", run.getString("params.day"));
    }

    @Test
    void listsAreScopedToTheCallersNamespaces() {
        submitOk(VALID.formatted("scoped"));
        submitOk(VALID.replace("namespace: sales", "namespace: hr").formatted("scoped"));
        String salesViewer = new IssuerClient(stack.auth()).tokenFor(Map.of("sales", "viewer"));
        List<String> namespaces = given().auth().oauth2(salesViewer).get("/api/v1/pipelines").then().statusCode(200)
                .extract().path("namespace");
        org.hamcrest.MatcherAssert.assertThat(namespaces, hasItem("sales"));
        org.hamcrest.MatcherAssert.assertThat(namespaces, not(hasItem("hr")));
        given().auth().oauth2(salesViewer).get("/api/v1/pipelines/hr/valid_scoped").then().statusCode(404);
        given().auth().oauth2(salesViewer).contentType("application/json").body("{}")
                .post("/api/v1/pipelines/sales/valid_scoped/runs").then().statusCode(403);
        List<String> runNamespaces = given().auth().oauth2(salesViewer).get("/api/v1/runs").then().statusCode(200)
                .extract().path("namespace");
        org.hamcrest.MatcherAssert.assertThat(runNamespaces, not(hasItem("hr")));
    }

    /** Issue 21: a client's retry of a trigger (a timeout, a hung connection) must never make a second run. */
    @Test
    void anIdempotencyKeyMakesARetryAnswerTheFirstRunInsteadOfASecondOne() {
        submitOk(VALID.formatted("idem"));
        submitOk(VALID.formatted("idem_other"));
        String key = UUID.randomUUID().toString();
        String first = given().auth().oauth2(token()).contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("params", Map.of("day", "2026-12-01"))).post("/api/v1/pipelines/sales/valid_idem/runs")
                .then().statusCode(202).extract().path("id");
        // the retry: the same run, 200 instead of 202
        given().auth().oauth2(token()).contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("params", Map.of("day", "2026-12-01"))).post("/api/v1/pipelines/sales/valid_idem/runs")
                .then().statusCode(200).body("id", equalTo(first));
        // the same key with another body: refused, naming the header
        given().auth().oauth2(token()).contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("params", Map.of("day", "2026-12-02"))).post("/api/v1/pipelines/sales/valid_idem/runs")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("Idempotency-Key"));
        List<String> runs = given().auth().oauth2(token()).queryParam("pipeline", "valid_idem").get("/api/v1/runs")
                .then().statusCode(200).extract().path("id");
        assertEquals(List.of(first), runs, "one run for the key");
        // a key is per pipeline
        given().auth().oauth2(token()).contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("params", Map.of("day", "2026-12-01")))
                .post("/api/v1/pipelines/sales/valid_idem_other/runs").then().statusCode(202)
                .body("id", not(equalTo(first)));
        // another namespace's engineer learns nothing about the key's run; a viewer may not trigger
        String hrEngineer = new IssuerClient(stack.auth()).tokenFor(Map.of("hr", "engineer"));
        given().auth().oauth2(hrEngineer).contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("params", Map.of("day", "2026-12-01"))).post("/api/v1/pipelines/sales/valid_idem/runs")
                .then().statusCode(404);
        String salesViewer = new IssuerClient(stack.auth()).tokenFor(Map.of("sales", "viewer"));
        given().auth().oauth2(salesViewer).contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("params", Map.of("day", "2026-12-01"))).post("/api/v1/pipelines/sales/valid_idem/runs")
                .then().statusCode(403);
        // a key that is not one: 400
        given().auth().oauth2(token()).contentType("application/json").header("Idempotency-Key", "x".repeat(300))
                .body(Map.of("params", Map.of())).post("/api/v1/pipelines/sales/valid_idem/runs").then()
                .statusCode(400).body("detail", containsString("Idempotency-Key"));
    }
}
