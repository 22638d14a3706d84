package dev.strata.scheduler;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;

/**
 * http tasks go through the address guard: the test profile allow-lists the receiver by the name {@code localhost}
 * only, so every other spelling of loopback — and a redirect to one — is refused before a byte is sent.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTaskTest extends SchedulerTestSupport {

    private static final String GUARD = "; internal addresses are refused unless allow-listed in "
            + "strata.scheduler.local.allowed-hosts";

    @InjectDevStack
    DevStack stack;

    private HttpServer receiver;
    private final List<String> hits = new CopyOnWriteArrayList<>();

    @Override
    protected DevStack stack() {
        return stack;
    }

    @BeforeAll
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        receiver.createContext("/", exchange -> {
            hits.add(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().equals("/redirect")) {
                exchange.getResponseHeaders().add("Location", exchange.getRequestURI().getQuery());
                exchange.sendResponseHeaders(302, -1);
            } else {
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    void stopReceiver() {
        receiver.stop(0);
    }

    @BeforeEach
    void clear() {
        hits.clear();
    }

    private JsonPath call(String id, String url) {
        submitOk("""
                namespace: sales
                id: %s
                tasks:
                  - id: call
                    type: http
                    retries: {count: 2, backoff: 100ms}
                    inputs: {url: "%s"}
                """.formatted(id, url));
        return awaitEnded(trigger("sales", id, Map.of()));
    }

    private int port() {
        return receiver.getAddress().getPort();
    }

    @Test
    void theAllowListedReceiverIsCalled() {
        JsonPath run = call("http_allowed", "http://localhost:" + port() + "/ok");
        assertEquals("succeeded", run.getString("state"), run::prettify);
        assertEquals(List.of("/ok"), hits);
    }

    @Test
    void loopbackSpelledAsIpv6IsRefusedWithoutRetryAndNothingIsSent() {
        JsonPath run = call("http_mapped", "http://[::ffff:127.0.0.1]:" + port() + "/ok");
        assertEquals("failed", run.getString("state"));
        assertEquals("failed", task(run, "call", "state"));
        assertEquals("1", task(run, "call", "attempt"), "a refused address is not retried");
        assertEquals("http task: host '[::ffff:127.0.0.1]' is a loopback address" + GUARD, task(run, "call", "error"));

        JsonPath compatible = call("http_compatible", "http://[::127.0.0.1]:" + port() + "/ok");
        assertEquals("http task: host '[::127.0.0.1]' is the IPv4-compatible form of 127.0.0.1, a loopback address"
                + GUARD, task(compatible, "call", "error"));
        assertEquals(List.of(), hits, "the receiver got nothing");
    }

    @Test
    void everyRedirectIsCheckedAgain() {
        JsonPath run = call("http_redirect", "http://localhost:" + port() + "/redirect?http://127.0.0.1:" + port()
                + "/secret");
        assertEquals("failed", run.getString("state"));
        assertEquals("http task: host '127.0.0.1' is a loopback address" + GUARD, task(run, "call", "error"));
        assertEquals(List.of("/redirect"), hits, "the redirect target was never called");
    }

    @Test
    void aMalformedUrlIsRefusedWhenThePipelineIsSubmitted() {
        submit("""
                namespace: sales
                id: http_malformed
                tasks:
                  - id: call
                    type: http
                    inputs: {url: "http://[::1/x?token=abc123"}
                """).then().statusCode(400).contentType("application/problem+json")
                .body("errors.path", hasItem("tasks[0].inputs.url"))
                .body("errors.message", hasItem(containsString("the URL is not a valid URL")))
                .body("detail", org.hamcrest.Matchers.not(containsString("abc123")));
    }

    @Test
    void anAmbiguousNumericHostIsRefusedWhenThePipelineIsSubmitted() {
        // ambiguous numbers are read differently by different resolvers: refused, not guessed
        submit("""
                namespace: sales
                id: http_number
                tasks:
                  - id: call
                    type: http
                    inputs: {url: "http://2130706433:%d/ok"}
                """.formatted(port())).then().statusCode(400)
                .body("errors.message", hasItem(containsString("host '2130706433' is an ambiguous IPv4 address")));
    }
}
