package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.IssuerClient;

/** What the scheduler's tests share: one token, one peer worker on the real Kafka, REST helpers. */
public abstract class SchedulerTestSupport {

    static {
        org.awaitility.Awaitility.ignoreExceptionsByDefault();
    }

    private static String token;
    private static TestWorker worker;

    protected abstract DevStack stack();

    protected synchronized String token() {
        if (token == null) {
            token = new IssuerClient(stack().auth()).adminToken();
        }
        return token;
    }

    protected synchronized TestWorker worker() {
        if (worker == null) {
            worker = new TestWorker(stack().kafka().bootstrapServers());
            Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
        }
        return worker;
    }

    protected Response submit(String yaml) {
        return given().auth().oauth2(token()).contentType("application/yaml")
                .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/v1/pipelines");
    }

    protected void submitOk(String yaml) {
        submit(yaml).then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(201),
                org.hamcrest.Matchers.is(200)));
    }

    protected UUID trigger(String namespace, String id, Map<String, String> params) {
        String runId = given().auth().oauth2(token()).contentType(ContentType.JSON)
                .body(Map.of("params", params)).post("/api/v1/pipelines/" + namespace + "/" + id + "/runs")
                .then().statusCode(202).extract().path("id");
        return UUID.fromString(runId);
    }

    protected JsonPath run(UUID runId) {
        return given().auth().oauth2(token()).get("/api/v1/runs/" + runId).then().statusCode(200).extract()
                .jsonPath();
    }

    /** Waits until the run ended and answers it. */
    protected JsonPath awaitEnded(UUID runId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> List
                .of("succeeded", "failed", "cancelled", "timed_out").contains(run(runId).getString("state")));
        return run(runId);
    }

    protected static String task(JsonPath run, String taskId, String field) {
        return run.getString("tasks.find { it.taskId == '" + taskId + "' }." + field);
    }

    /** An ingest task whose dataset name tells the test worker what to do. */
    protected static String ingest(String id, String behaviour, String extra) {
        return """
                  - id: %s
                    type: ingest
                %s    inputs:
                      spec:
                        namespace: sales
                        name: %s
                        source: {kind: http, url: "https://example.com/orders.csv"}
                        format: {type: csv}
                        loadMode: append
                """.formatted(id, extra, behaviour);
    }

    /** Moves a pipeline's next cron fire to {@code at}, as if that time had come. */
    protected static void setNextFire(DataSource db, String pipeline, Instant at) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c
                        .prepareStatement("UPDATE pipeline SET next_fire_at = ? WHERE pipeline_id = ?")) {
            s.setObject(1, at.atOffset(ZoneOffset.UTC));
            s.setString(2, pipeline);
            assertEquals(1, s.executeUpdate());
        }
    }

    /** The single number a {@code SELECT count(*) ...} answers. */
    protected static long count(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The ids of a server-sent-event stream's events, in order. */
    protected static List<String> firstIds(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim()).toList();
    }

    /**
     * Reads a server-sent-event stream of this service line by line (without spaces after the colon) into
     * {@code into} until the server ends it.
     */
    protected CompletableFuture<Void> sse(String path, String lastEventId, List<String> into) {
        HttpRequest.Builder request = HttpRequest
                .newBuilder(URI.create("http://localhost:" + RestAssured.port + "/").resolve(path))
                .header("Authorization", "Bearer " + token()).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    assertEquals(200, response.statusCode());
                    try (Stream<String> lines = response.body()) {
                        lines.map(l -> l.replaceFirst("^(\\w+): ", "$1:")).forEach(into::add);
                    }
                });
    }
}
