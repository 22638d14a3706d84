package dev.strata.gateway;

import static dev.strata.gateway.support.Gateway.configured;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.gateway.support.Gateway;
import dev.strata.gateway.support.TestUpstreams;

/** Routing, streaming and the gateway's answers when a service cannot answer. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
class ProxyTest {

    private static final long MIB = 1024 * 1024;

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void getWithQueryAndHeadersReachesTheServiceAndItsAnswerComesBack() {
        given().header("X-Custom", "one").header("X-Forwarded-For", "198.51.100.1")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .urlEncodingEnabled(false)
                .get("/api/registry/v1/datasets?x=1&name=sales%2Fq1")
                .then().statusCode(200)
                .header("X-Served-By", "registry")
                .body("service", is("registry"))
                .body("method", is("GET"))
                .body("uri", is("/api/v1/datasets?x=1&name=sales%2Fq1"))
                .body("headers.'x-custom'", is("one"))
                .body("headers.'traceparent'", is("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
                .body("headers.'x-forwarded-for'", is("198.51.100.1, 127.0.0.1"))
                .body("headers.'x-forwarded-proto'", is("http"))
                .body("headers.'x-forwarded-host'", is(gateway.getHost() + ":" + gateway.getPort()));
    }

    @Test
    void postWithBodyReachesTheNamedService() throws Exception {
        String json = "{\"dataset\":\"sales\",\"rows\":[1,2,3]}";
        given().contentType(ContentType.JSON).body(json)
                .post("/api/ingest/v1/loads")
                .then().statusCode(200)
                .body("service", is("ingest"))
                .body("method", is("POST"))
                .body("uri", is("/api/v1/loads"))
                .body("headers.'content-type'", startsWith("application/json"))
                .body("bytes", is(json.length()))
                .body("sha256", is(sha256(json.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theIssuersOwnPathsGoToAuthUnchanged() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("issuer", is(configured("strata.auth.issuer")));
        given().get("/api/auth/v1/users").then().statusCode(200)
                .body("service", is("auth")).body("uri", is("/api/v1/users"));
    }

    @Test
    void dotSegmentsAreResolvedBeforeRoutingSoNoneReachesAService() {
        given().urlEncodingEnabled(false).get("/api/registry/v1/%2e%2e/%2E%2E/ingest/v1/loads").then()
                .statusCode(200).body("service", is("ingest")).body("uri", is("/api/v1/loads"));
        // out of /api altogether: the gateway's own endpoint, never a service's
        given().urlEncodingEnabled(false).get("/api/registry/%2e%2e/%2e%2e/q/health/live").then()
                .statusCode(200).header("X-Served-By", nullValue());
    }

    @Test
    void aFiftyMegabyteUploadStreamsThroughToTheService() throws Exception {
        long size = 50 * MIB;
        String uploadId = UUID.randomUUID().toString();
        String progress = configured("strata.services.registry.url") + "/__progress?id=" + uploadId;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        AtomicBoolean arrivedWhileSending = new AtomicBoolean();
        InputStream body = new InputStream() {
            private final Random random = new Random(42);
            private long position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                if (position >= 16 * MIB && !arrivedWhileSending.get()) {
                    // a gateway that buffers would not pass anything on before the upload ends
                    arrivedWhileSending.set(awaitUpstreamBytes(progress, 4 * MIB));
                }
                int n = (int) Math.min(length, size - position);
                byte[] chunk = new byte[n];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, buffer, offset, n);
                sent.update(chunk);
                position += n;
                return n;
            }
        };
        HttpResponse<String> response = Gateway.send(HttpRequest.newBuilder(gateway.resolve("/api/registry/v1/uploads"))
                .header("X-Upload-Id", uploadId).header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body),
                        size))
                .build());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject echoed = new JsonObject(response.body());
        assertEquals(size, echoed.getLong("bytes"));
        assertEquals(HexFormat.of().formatHex(sent.digest()), echoed.getString("sha256"));
        assertTrue(arrivedWhileSending.get(), "the service should receive the upload while it is still being sent");
    }

    @Test
    void aBodyAnnouncedAboveTheLimitIsRefusedBeforeItIsSent() throws Exception {
        String answer = raw("POST /api/registry/v1/uploads HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + (100 * MIB) + "\r\nContent-Type: application/octet-stream\r\n\r\n", null);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
        assertTrue(answer.contains("larger than the gateway accepts (64 MiB)"), answer);
    }

    @Test
    void aStreamedBodyAboveTheLimitIsCutOffWith413() throws Exception {
        String answer = raw("POST /api/registry/v1/uploads HTTP/1.1\r\nHost: localhost\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n", 80 * MIB);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("larger than the gateway accepts"), answer);
    }

    @Test
    void anUnknownServiceIs404ProblemDetails() {
        given().get("/api/warehouse/v1/tables").then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("status", is(404))
                .body("detail", containsString("no service named 'warehouse'"))
                .body("requestId", not(nullValue()));
    }

    @Test
    void aServiceThatIsDownIs502ProblemDetailsWithoutInternals() {
        String body = given().get("/api/scheduler/v1/schedules").then().statusCode(502)
                .contentType(startsWith("application/problem+json"))
                .body("title", is("Bad Gateway"))
                .body("detail", is("The scheduler service cannot be reached right now; try again in a few seconds."))
                .extract().asString();
        assertTrue(!body.contains("127.0.0.1") && !body.contains("Exception") && !body.contains("at io."), body);
    }

    @Test
    void aServiceThatIsNotConfiguredIs503ProblemDetails() {
        given().get("/api/transform/v1/runs").then().statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .body("detail", containsString("STRATA_SERVICES_TRANSFORM_URL"));
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIs504ProblemDetails() {
        given().get("/api/registry/v1/slow").then().statusCode(504)
                .contentType(startsWith("application/problem+json"))
                .body("detail", containsString("did not answer within 2 s"));
    }

    @Test
    void requestIdsAreGeneratedForwardedAndEchoed() {
        String generated = given().get("/api/registry/v1/datasets").then().statusCode(200)
                .extract().header("X-Request-Id");
        assertTrue(generated != null && generated.length() >= 32, "a request id should be generated: " + generated);
        given().header("X-Request-Id", "req-42").get("/api/registry/v1/datasets").then().statusCode(200)
                .header("X-Request-Id", "req-42")
                .body("headers.'x-request-id'", is("req-42"));
        // not a plain token: replaced
        given().header("X-Request-Id", "<script>").get("/api/registry/v1/datasets").then().statusCode(200)
                .header("X-Request-Id", not(equalTo("<script>")));
    }

    @Test
    void aRequestWithoutTraceContextStartsATraceNamedByItsRequestId() {
        var response = given().get("/api/registry/v1/datasets").then().statusCode(200).extract();
        String requestId = response.header("X-Request-Id");
        String forwarded = response.path("headers.traceparent");
        assertTrue(forwarded != null && forwarded.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"),
                "the service gets a W3C traceparent: " + forwarded);
        assertEquals(requestId, forwarded.substring(3, 35), "the trace id is the request id the caller sees");
        assertEquals(forwarded, response.header("traceresponse"), "the response names the trace");
    }

    @Test
    void aCallersTraceContextIsContinuedAndAnInvalidOneReplaced() {
        String callers = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        given().header("traceparent", callers).header("tracestate", "vendor=1")
                .get("/api/registry/v1/datasets").then().statusCode(200)
                .header("traceresponse", callers)
                .body("headers.traceparent", is(callers))
                .body("headers.tracestate", is("vendor=1"));
        String replaced = given().header("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")
                .header("tracestate", "vendor=1")
                .get("/api/registry/v1/datasets").then().statusCode(200)
                .body("headers.tracestate", nullValue())
                .extract().path("headers.traceparent");
        assertTrue(replaced.matches("00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01"), "an all-zero trace id is replaced: "
                + replaced);
    }

    @Test
    void hopByHopHeadersAndTheGatewaysCookiesStayAtTheGateway() {
        given().header("Proxy-Authorization", "Basic c2VjcmV0").header("Keep-Alive", "timeout=5")
                .header("Cookie", "q_session=abc; theme=dark; strata-csrf=xyz")
                .header("Authorization", "Bearer " + Gateway.unsignedJwt("bob"))
                .get("/api/registry/v1/datasets").then().statusCode(200)
                .body("headers.'proxy-authorization'", nullValue())
                .body("headers.'keep-alive'", nullValue())
                .body("headers.'cookie'", is("theme=dark"));
    }

    @Test
    void httpMetricsCountPerServiceNotPerPath() {
        given().get("/api/registry/v1/datasets/d-" + UUID.randomUUID()).then().statusCode(200);
        String metrics = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("uri=\"/api/registry/*\""), "one series for the registry's paths");
        assertFalse(metrics.contains("uri=\"/api/registry/v1/datasets/d-"), "no series per dataset id");
        assertTrue(
                metrics.contains("http_server_requests_seconds_bucket{") && metrics.contains("uri=\"/api/registry/*\""),
                "latency is published as a histogram, for the percentile panels");
    }

    /** Sends a raw request (and {@code chunkedBytes} of chunked body, if given) and returns what came back. */
    private String raw(String head, Long chunkedBytes) throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    return "read failed: " + e;
                }
            });
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                if (chunkedBytes != null) {
                    byte[] chunk = new byte[64 * 1024];
                    byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    for (long sent = 0; sent < chunkedBytes && !answer.isDone(); sent += chunk.length) {
                        out.write(size);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            } catch (IOException e) {
                // the gateway closed the connection while we were sending: its answer was sent before
            }
            return answer.get(30, TimeUnit.SECONDS);
        }
    }

    private static boolean awaitUpstreamBytes(String progressUrl, long bytes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Gateway.getJson(progressUrl).getLong("bytes") >= bytes) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
