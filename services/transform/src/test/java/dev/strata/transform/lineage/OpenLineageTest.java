package dev.strata.transform.lineage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.transform.Archives;
import dev.strata.transform.TransformStack;

/**
 * OpenLineage run events of real builds, received by an HTTP endpoint in this JVM (as Marquez would receive them):
 * START and COMPLETE or FAIL per model with the spec's required fields, the job in its Strata namespace's OpenLineage
 * namespace, the datasets, the schema and column lineage facets; an endpoint that refuses connections does not fail
 * the build.
 */
@QuarkusTest
@TestProfile(OpenLineageTest.Receiver.class)
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenLineageTest {

    /** The endpoint: every POSTed body, in the order received. */
    public static class Receiver implements QuarkusTestProfile {

        static final List<JsonNode> EVENTS = new CopyOnWriteArrayList<>();
        static HttpServer server;

        static synchronized String url() {
            if (server == null) {
                try {
                    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                server.createContext("/api/v1/lineage", exchange -> {
                    try (exchange) {
                        if (!exchange.getRequestMethod().equals("POST")) {
                            exchange.sendResponseHeaders(405, -1);
                            return;
                        }
                        EVENTS.add(new ObjectMapper().readTree(exchange.getRequestBody()));
                        exchange.sendResponseHeaders(201, -1);
                    }
                });
                server.start();
            }
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/lineage";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("strata.transform.openlineage.url", url(), "strata.transform.openlineage.timeout", "2s");
        }
    }

    @InjectDevStack
    DevStack stack;

    @Inject
    MeterRegistry meters;

    String engineer;

    @BeforeAll
    void token() {
        engineer = new IssuerClient(stack.auth()).tokenFor(Map.of("olns", "engineer", "olns2", "engineer"));
    }

    static Map<String, String> project(String name, Map<String, String> models) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: " + name + "\nmodels:\n  " + name + ":\n    +materialized: table\n");
        models.forEach((model, sql) -> files.put("models/" + model + ".sql", sql));
        return files;
    }

    JsonPath build(String namespace, Map<String, String> files) throws InterruptedException {
        String project = given().auth().oauth2(engineer).contentType("application/zip").body(Archives.zip("", files))
                .post("/api/v1/projects/" + namespace).then().statusCode(201).extract().jsonPath()
                .getString("project");
        String id = given().auth().oauth2(engineer).contentType("application/json").body(Map.of())
                .post("/api/v1/projects/" + namespace + "/" + project + "/builds").then().statusCode(202).extract()
                .jsonPath().getString("id");
        return TransformStack.waitForBuild(engineer, id);
    }

    /** The events of jobs {@code <project>.*}, once {@code count} of them have arrived (they are sent asynchronously). */
    static List<JsonNode> events(String project, int count) throws InterruptedException {
        Predicate<JsonNode> ofProject = e -> e.path("job").path("name").asText().startsWith(project + ".");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Receiver.EVENTS.stream().filter(ofProject).count() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        Thread.sleep(200); // none beyond those expected
        return Receiver.EVENTS.stream().filter(ofProject).toList();
    }

    static List<String> summary(List<JsonNode> events) {
        return events.stream().map(e -> e.path("job").path("name").asText() + " " + e.path("eventType").asText())
                .sorted().toList();
    }

    /** The fields every RunEvent must have (spec 2-0-2), and the facets' own; the job in {@code jobNamespace}. */
    static void assertRunEvent(JsonNode e, String jobNamespace) {
        assertTrue(List.of("START", "COMPLETE", "FAIL").contains(e.path("eventType").asText()), e.toString());
        assertNotNull(Instant.parse(e.path("eventTime").asText()));
        assertNotNull(UUID.fromString(e.path("run").path("runId").asText()));
        assertEquals(jobNamespace, e.path("job").path("namespace").asText(), e.toString());
        assertFalse(e.path("job").path("name").asText().isEmpty());
        assertEquals(OpenLineageEvents.PRODUCER, e.path("producer").asText());
        assertTrue(URI.create(e.path("producer").asText()).isAbsolute());
        assertEquals("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent", e.path("schemaURL")
                .asText());
        List<JsonNode> facets = new ArrayList<>();
        e.path("run").path("facets").forEach(facets::add);
        e.path("outputs").forEach(o -> o.path("facets").forEach(facets::add));
        for (JsonNode f : facets) {
            assertEquals(OpenLineageEvents.PRODUCER, f.path("_producer").asText(), f.toString());
            assertTrue(f.path("_schemaURL").asText().startsWith("https://openlineage.io/spec/facets/"), f.toString());
        }
    }

    static JsonNode one(List<JsonNode> events, String job, String type) {
        List<JsonNode> found = events.stream().filter(e -> e.path("job").path("name").asText().equals(job) && e.path(
                "eventType").asText().equals(type)).toList();
        assertEquals(1, found.size(), job + " " + type + " in " + events);
        return found.get(0);
    }

    @Test
    @Order(1)
    void eachModelRunSendsStartAndCompleteWithItsDatasetsAndColumnLineage() throws Exception {
        JsonPath build = build("olns", project("olshop", Map.of(
                "ol_orders", "select g as id, g * 2 as amount from generate_series(1, 3) g",
                "ol_totals", "select id as order_id, amount from {{ ref('ol_orders') }}")));
        assertEquals("success", build.getString("status"), build.prettify());

        List<JsonNode> events = events("olshop", 4);
        assertEquals(List.of("olshop.ol_orders COMPLETE", "olshop.ol_orders START", "olshop.ol_totals COMPLETE",
                "olshop.ol_totals START"), summary(events));
        events.forEach(e -> assertRunEvent(e, "strata/olns"));

        JsonNode start = one(events, "olshop.ol_totals", "START");
        JsonNode complete = one(events, "olshop.ol_totals", "COMPLETE");
        assertTrue(events.indexOf(start) < events.indexOf(complete), "START is sent before COMPLETE");
        UUID buildId = UUID.fromString(build.getString("id"));
        assertEquals(OpenLineageEvents.runId(buildId, "ol_totals").toString(), start.path("run").path("runId")
                .asText(), "the run id comes from the build and the model: an attempt again is the same run");
        assertEquals(start.path("run").path("runId"), complete.path("run").path("runId"));
        assertEquals("strata/olns", start.path("job").path("namespace").asText(),
                "the job is in the OpenLineage namespace of its Strata namespace: <prefix>/<strata namespace>");
        assertFalse(Instant.parse(complete.path("eventTime").asText()).isBefore(Instant.parse(start.path(
                "eventTime").asText())));

        JsonNode input = complete.path("inputs").get(0);
        assertEquals(1, complete.path("inputs").size());
        assertEquals("postgres://warehouse", input.path("namespace").asText());
        assertEquals("olns__silver.ol_orders", input.path("name").asText());
        JsonNode output = complete.path("outputs").get(0);
        assertEquals("postgres://warehouse", output.path("namespace").asText());
        assertEquals("olns__silver.ol_totals", output.path("name").asText());

        JsonNode lineage = output.path("facets").path("columnLineage").path("fields");
        assertEquals(new ObjectMapper().readTree("""
                {"order_id": {"inputFields": [{"namespace": "postgres://warehouse", "name": "olns__silver.ol_orders",
                                               "field": "id"}]},
                 "amount": {"inputFields": [{"namespace": "postgres://warehouse", "name": "olns__silver.ol_orders",
                                             "field": "amount"}]}}
                """), lineage);
        assertEquals(new ObjectMapper().readTree("""
                [{"name": "order_id", "type": "integer"}, {"name": "amount", "type": "integer"}]
                """), output.path("facets").path("schema").path("fields"));

        JsonNode root = one(events, "olshop.ol_orders", "COMPLETE");
        assertEquals(0, root.path("inputs").size(), "generate_series reads no dataset");
        assertEquals("olns__silver.ol_orders", root.path("outputs").get(0).path("name").asText());
        assertTrue(root.path("outputs").get(0).path("facets").path("columnLineage").isMissingNode());
    }

    @Test
    @Order(2)
    void aFailingModelSendsStartAndFailWithTheErrorAndItsSkippedChildNothing() throws Exception {
        JsonPath build = build("olns", project("olfail", Map.of(
                "ol_ok", "select 1 as id",
                "ol_broken", "select no_such_column from {{ ref('ol_ok') }}",
                "ol_after", "select * from {{ ref('ol_broken') }}")));
        assertEquals("failed", build.getString("status"), build.prettify());

        List<JsonNode> events = events("olfail", 4);
        assertEquals(List.of("olfail.ol_broken FAIL", "olfail.ol_broken START", "olfail.ol_ok COMPLETE",
                "olfail.ol_ok START"), summary(events), "the skipped ol_after never ran: no event");
        events.forEach(e -> assertRunEvent(e, "strata/olns"));
        JsonNode fail = one(events, "olfail.ol_broken", "FAIL");
        JsonNode error = fail.path("run").path("facets").path("errorMessage");
        String message = error.path("message").asText();
        assertTrue(message.startsWith("models/ol_broken.sql: column \"no_such_column\" does not exist"), message);
        assertFalse(message.contains("\tat ") || message.contains("Exception"), "no stack trace: " + message);
        assertTrue(error.path("stackTrace").isMissingNode());
        assertEquals("SQL", error.path("programmingLanguage").asText());
        assertEquals("olns__silver.ol_broken", fail.path("outputs").get(0).path("name").asText());
        assertEquals("olns__silver.ol_ok", fail.path("inputs").get(0).path("name").asText());
    }

    @Test
    @Order(3)
    void theSameProjectInTwoStrataNamespacesIsTwoJobs() throws Exception {
        Map<String, String> files = project("oltwin", Map.of("ol_twin", "select 1 as id"));
        JsonPath first = build("olns", files);
        assertEquals("success", first.getString("status"), first.prettify());
        JsonPath second = build("olns2", files);
        assertEquals("success", second.getString("status"), second.prettify());

        List<JsonNode> events = events("oltwin", 4);
        assertEquals(List.of("strata/olns oltwin.ol_twin COMPLETE", "strata/olns oltwin.ol_twin START",
                "strata/olns2 oltwin.ol_twin COMPLETE", "strata/olns2 oltwin.ol_twin START"),
                events.stream()
                        .map(e -> e.path("job").path("namespace").asText() + " " + e.path("job").path("name")
                                .asText() + " " + e.path("eventType").asText())
                        .sorted().toList(),
                "same project and model, one job per Strata namespace");
        for (Map.Entry<String, JsonPath> built : Map.of("strata/olns", first, "strata/olns2", second).entrySet()) {
            String jobNamespace = built.getKey();
            JsonPath build = built.getValue();
            List<JsonNode> own = events.stream().filter(e -> e.path("job").path("namespace").asText().equals(
                    jobNamespace)).toList();
            assertEquals(2, own.size(), jobNamespace + " in " + events);
            own.forEach(e -> assertRunEvent(e, jobNamespace));
            for (JsonNode e : own) {
                assertEquals(OpenLineageEvents.runId(UUID.fromString(build.getString("id")), "ol_twin").toString(),
                        e.path("run").path("runId").asText(), "each namespace's build is its own run");
                assertEquals(jobNamespace.substring("strata/".length()) + "__silver.ol_twin", e.path("outputs").get(0)
                        .path("name").asText(), "each namespace's build writes its own table: its own dataset");
            }
        }
    }

    @Test
    @Order(4)
    void anEndpointThatRefusesConnectionsDoesNotFailTheBuild() throws Exception {
        String url = Receiver.url();
        Receiver.server.stop(0); // the port now refuses connections
        double before = failures();
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(new SimpleFormatter().formatMessage(r));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(OpenLineageEmitter.class.getName());
        log.addHandler(handler);
        try {
            JsonPath build = build("olns", project("oldown", Map.of(
                    "ol_a", "select 1 as id",
                    "ol_b", "select id from {{ ref('ol_a') }}")));
            assertEquals("success", build.getString("status"), build.prettify());
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (failures() < before + 4 && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertEquals(before + 4, failures(), "START and COMPLETE of both models counted as not delivered");
            assertEquals(1, warnings.size(), "one warning for the build: " + warnings);
            assertTrue(warnings.get(0).contains(build.getString("id")) && warnings.get(0).contains(url), warnings
                    .get(0));
        } finally {
            log.removeHandler(handler);
        }
        given().get("/q/metrics").then().statusCode(200).body(containsString(
                "strata_transform_openlineage_failures_total"));
    }

    double failures() {
        return meters.get("strata.transform.openlineage.failures").counter().count();
    }
}
