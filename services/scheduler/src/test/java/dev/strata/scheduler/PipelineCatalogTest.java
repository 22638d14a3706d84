package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.events.LoadSpec;

/**
 * Pipelines that use the catalog (issue 16): an ingest task names a registered dataset and runs its stored load spec;
 * what a pipeline names in other services is checked when it is saved — a missing dataset, project or channel is a
 * 422 naming the YAML path and line, a service that cannot answer a 503.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@WithTestResource(CatalogStandIn.class)
class PipelineCatalogTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Override
    protected DevStack stack() {
        return stack;
    }

    static final String NS = "sales-eu";

    @AfterEach
    void up() {
        CatalogStandIn.down = false;
    }

    private static void register(String name, String url) {
        CatalogStandIn.SPECS.put(NS + "/" + name, """
                {"namespace":"%s","name":"%s","source":{"kind":"http","url":"%s"},"format":{"type":"csv"},\
                "loadMode":"replace","contract":"evolve"}""".formatted(NS, name, url));
    }

    private JsonPath unresolved(String yaml) {
        return submit(yaml).then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:strata:problem:unresolved-reference")).extract().jsonPath();
    }

    @Test
    void anIngestTaskNamingARegisteredDatasetRunsItsStoredLoadSpec() {
        worker(); // listening before the first request
        register("ok_orders", "https://example.com/orders.csv");
        submitOk("""
                namespace: sales-eu
                id: from_catalog
                tasks:
                  - id: load
                    type: ingest
                    inputs: {dataset: ok_orders}
                """);
        UUID runId = trigger(NS, "from_catalog", Map.of());
        JsonPath run = awaitEnded(runId);
        assertEquals("succeeded", run.getString("state"));
        TestWorker.Request request = worker().requestsOf(runId).get(0);
        LoadSpec spec = worker().spec(request.taskRunId());
        assertNotNull(spec, "the request carries the typed load spec");
        assertEquals("sales-eu.ok_orders", spec.qualifiedName());
        assertEquals("https://example.com/orders.csv", spec.source().url());
        assertEquals("replace", spec.loadMode());

        // the dataset's spec changed after the pipeline was saved: the next run loads what the catalog says now
        register("ok_orders", "https://example.com/orders-v2.csv");
        UUID second = trigger(NS, "from_catalog", Map.of());
        assertEquals("succeeded", awaitEnded(second).getString("state"));
        assertEquals("https://example.com/orders-v2.csv", worker().spec(worker().requestsOf(second).get(0)
                .taskRunId()).source().url());
    }

    @Test
    void aDatasetDeletedAfterTheSaveFailsTheTaskWithAReason() {
        register("ok_gone", "https://example.com/gone.csv");
        submitOk("""
                namespace: sales-eu
                id: gone
                tasks:
                  - id: load
                    type: ingest
                    inputs: {dataset: ok_gone}
                """);
        CatalogStandIn.SPECS.remove(NS + "/ok_gone");
        JsonPath run = awaitEnded(trigger(NS, "gone", Map.of()));
        assertEquals("failed", run.getString("state"));
        assertThat(task(run, "load", "error"), containsString("no registered dataset 'ok_gone'"));
    }

    @Test
    void aMissingDatasetIsRefusedAtSaveWithItsPathAndLine() {
        JsonPath p = unresolved("""
                namespace: sales-eu
                id: missing_dataset
                tasks:
                  - id: load
                    type: ingest
                    inputs:
                      dataset: nothing_here
                """);
        assertEquals("tasks[0].inputs.dataset", p.getString("errors[0].path"));
        assertEquals(7, p.getInt("errors[0].line"));
        assertThat(p.getString("errors[0].message"), containsString("no registered dataset 'nothing_here'"));
        given().auth().oauth2(token()).get("/api/v1/pipelines/" + NS + "/missing_dataset").then().statusCode(404);
    }

    @Test
    void aMissingProjectIsRefusedAtSaveWithItsPathAndLine() {
        CatalogStandIn.PROJECTS.put(NS + "/shop", true);
        CatalogStandIn.SELECTORS.put(NS + "/shop/+tag:gold", true);
        JsonPath p = unresolved("""
                namespace: sales-eu
                id: missing_project
                tasks:
                  - id: good
                    type: transform
                    inputs: {project_version: shop, selector: +tag:gold}
                  - id: bad
                    type: transform
                    inputs:
                      project_version: nope
                      selector: +tag:gold
                """);
        assertEquals(1, p.getList("errors").size());
        assertEquals("tasks[1].inputs.project_version", p.getString("errors[0].path"));
        assertEquals(10, p.getInt("errors[0].line"));
        assertThat(p.getString("errors[0].message"), containsString("no transform project version 'nope'"));
    }

    @Test
    void aSelectorMatchingNoModelIsRefusedAtSaveWithItsPathAndLine() {
        CatalogStandIn.PROJECTS.put(NS + "/shop", true);
        CatalogStandIn.SELECTORS.put(NS + "/shop/+tag:gold", true);
        JsonPath p = unresolved("""
                namespace: sales-eu
                id: empty_selection
                tasks:
                  - id: build
                    type: transform
                    inputs:
                      project_version: shop
                      selector: tag:platinum
                """);
        assertEquals("tasks[0].inputs.selector", p.getString("errors[0].path"));
        assertEquals(8, p.getInt("errors[0].line"));
        assertThat(p.getString("errors[0].message"), containsString("'tag:platinum' matches no model"));
    }

    @Test
    void aMissingChannelIsRefusedAtSaveInTasksAndNotifications() {
        CatalogStandIn.CHANNELS.put(NS + "/data-alerts", true);
        JsonPath p = unresolved("""
                namespace: sales-eu
                id: missing_channel
                tasks:
                  - id: tell
                    type: notify
                    inputs: {channel: data-alerts, message: hi}
                  - id: tell_nobody
                    type: notify
                    inputs: {channel: nobody, message: hi}
                notifications:
                  - on: [failure]
                    channel: also-nobody
                """);
        assertEquals(List.of("tasks[1].inputs.channel", "notifications[0].channel"), p.getList("errors.path"));
        assertEquals(List.of(9, 12), p.getList("errors.line"));
        assertThat(p.getString("errors[0].message"), containsString("no notification channel 'nobody'"));
    }

    @Test
    void aMissingConnectionIsRefusedAtSaveInlineAndInARegisteredSpec() {
        CatalogStandIn.CONNECTIONS.put(NS + "/orders-api", true);
        CatalogStandIn.SPECS.put(NS + "/via_gone", """
                {"namespace":"%s","name":"via_gone","source":{"kind":"http","url":"/x.csv","connection":"gone-api"},\
                "format":{"type":"csv"},"loadMode":"replace","contract":"evolve"}""".formatted(NS));
        JsonPath p = unresolved("""
                namespace: sales-eu
                id: missing_connection
                tasks:
                  - id: fine
                    type: ingest
                    inputs:
                      spec: {namespace: sales-eu, name: a, source: {kind: http, url: /a.csv, connection: orders-api}}
                  - id: load
                    type: ingest
                    inputs:
                      spec:
                        namespace: sales-eu
                        name: orders
                        source:
                          kind: jdbc
                          table: public.orders
                          connection: no-such-db
                  - id: registered
                    type: ingest
                    inputs: {dataset: via_gone}
                """);
        assertEquals(List.of("tasks[1].inputs.spec.source.connection", "tasks[2].inputs.dataset"),
                p.getList("errors.path"));
        assertEquals(List.of(17, 20), p.getList("errors.line"));
        assertThat(p.getString("errors[0].message"), containsString("no connection 'no-such-db' in namespace "
                + "'sales-eu'"));
        assertThat(p.getString("errors[1].message"), containsString("reads through connection 'gone-api', which "
                + "does not exist"));
        given().auth().oauth2(token()).get("/api/v1/pipelines/" + NS + "/missing_connection").then().statusCode(404);
        // the same connection of another namespace does not count
        CatalogStandIn.CONNECTIONS.put("other-ns/no-such-db", true);
        assertEquals(1, unresolved("""
                namespace: sales-eu
                id: missing_connection
                tasks:
                  - id: load
                    type: ingest
                    inputs:
                      spec: {namespace: sales-eu, name: b, source: {kind: jdbc, table: t, connection: no-such-db}}
                """).getList("errors").size());
    }

    @Test
    void anUnknownFieldOfAnIngestTaskIsRefusedWithTheAllowedOnes() {
        JsonPath p = submit("""
                namespace: sales-eu
                id: typo
                tasks:
                  - id: load
                    type: ingest
                    inputs:
                      dataset: orders
                      load_mode: append
                """).then().statusCode(400).extract().jsonPath();
        assertEquals("tasks[0].inputs.load_mode", p.getString("errors[0].path"));
        assertEquals(8, p.getInt("errors[0].line"));
        assertThat(p.getString("errors[0].message"), containsString("the fields here are dataset, spec"));
    }

    @Test
    void aServiceThatDoesNotAnswerRefusesTheSaveWith503() {
        CatalogStandIn.down = true;
        submit("""
                namespace: sales-eu
                id: while_down
                tasks:
                  - id: load
                    type: ingest
                    inputs: {dataset: ok_orders}
                """).then().statusCode(503)
                .body("type", equalTo("urn:strata:problem:dependency-unavailable"))
                .body("detail", containsString("the registry at http://127.0.0.1:"));
        given().auth().oauth2(token()).get("/api/v1/pipelines/" + NS + "/while_down").then().statusCode(404);
    }

    @Test
    void anotherNamespacesPipelineCannotNameThisNamespacesDataset() {
        register("ok_private", "https://example.com/private.csv");
        JsonPath p = submit("""
                namespace: marketing
                id: steal
                tasks:
                  - id: load
                    type: ingest
                    inputs: {dataset: sales-eu.ok_private}
                """).then().statusCode(400).extract().jsonPath();
        assertEquals("tasks[0].inputs.dataset", p.getString("errors[0].path"));
        assertThat(p.getString("errors[0].message"), containsString("another namespace"));
    }
}
