package dev.strata.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.gateway.ratelimit.Bucket;
import dev.strata.gateway.ratelimit.Decision;
import dev.strata.gateway.ratelimit.RateLimiter;
import dev.strata.gateway.support.Gateway;
import dev.strata.gateway.support.TestUpstreams;

/**
 * Token buckets in the real Redis (test limits: 40 per address refilled at 20/s, 20 per principal at 10/s, 3 login
 * attempts at one per 20 s). X-Forwarded-For is trusted in tests, so each test picks its own client addresses.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
class RateLimitTest {

    @InjectDevStack
    DevStack stack;

    @Inject
    RateLimiter limiter;

    @Inject
    Redis redis;

    @Inject
    Vertx vertx;

    @Test
    void aBurstOverTheLimitGets429WithRetryAfterWhileAnotherAddressIsServed() {
        String address = "203.0.113." + (10 + (int) (Math.random() * 100));
        long start = System.nanoTime();
        List<Response> answers = burst(100, i -> given().header("X-Forwarded-For", address)
                .get("/api/registry/v1/datasets"));
        double seconds = (System.nanoTime() - start) / 1e9;
        long served = answers.stream().filter(a -> a.statusCode() == 200).count();
        // the capacity, plus what refilled meanwhile, plus at most one local lease (2 tokens here) of this gateway
        assertTrue(served <= 40 + 20 * seconds + 2 + 1,
                served + " served in " + seconds + " s: the limit did not hold");
        Response refused = answers.stream().filter(a -> a.statusCode() == 429).findFirst().orElse(null);
        assertNotNull(refused, "a burst of 100 requests should pass the limit of 40");
        assertTrue(served >= 40, "at least the first 40 requests should be served, were " + served);
        assertEquals(100, served + answers.stream().filter(a -> a.statusCode() == 429).count(),
                "every request is served or refused with 429");
        refused.then().contentType(startsWith("application/problem+json"))
                .body("status", is(429))
                .body("detail", containsString("try again in"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After in whole seconds: " + retryAfter);

        given().header("X-Forwarded-For", "198.51.100.77").get("/api/registry/v1/datasets").then().statusCode(200);
    }

    /**
     * The production bucket size (300, refilled at 100/s, so a gateway keeps leases of 10 tokens): 100 requests that
     * arrive together while no lease is held are all served, and they take about 100 tokens from Redis, not a lease
     * each (100 leases of 10 would empty the bucket into this gateway after 30 requests and refuse the other 70 while
     * the lease still held their tokens). Redis's own count is the check: it holds whatever the gateway did locally.
     */
    @Test
    void concurrentRequestsTakeTheirOwnTokensNotALeaseEach() {
        String key = "strata:gateway:rl:test:" + UUID.randomUUID();
        Bucket bucket = new Bucket("principal", key, 300, 100);

        // as requests are taken: on a Vert.x event loop, not on the test's thread
        Context context = vertx.getOrCreateContext();
        List<CompletableFuture<Decision>> decisions = IntStream.range(0, 100).mapToObj(i -> {
            CompletableFuture<Decision> decision = new CompletableFuture<>();
            context.runOnContext(v -> limiter.take(List.of(bucket)).onComplete(ar -> decision.complete(ar.result())));
            return decision;
        }).toList();
        long served = decisions.stream().map(CompletableFuture::join).filter(Decision::allowed).count();

        assertEquals(100, served, "100 concurrent requests against a full bucket of 300");
        CompletableFuture<String> tokens = new CompletableFuture<>();
        context.runOnContext(v -> redis.send(Request.cmd(Command.HGET).arg(key).arg("tokens"))
                .onComplete(ar -> tokens.complete(ar.succeeded() ? ar.result().toString() : "-1")));
        double left = Double.parseDouble(tokens.join());
        // 100 served, at most one lease of 10 kept ahead, plus what refilled meanwhile (at most the capacity)
        assertTrue(left >= 300 - 100 - 10, "Redis holds " + left + " tokens after 100 requests: taken ahead of need");
    }

    @Test
    void onePrincipalIsLimitedFromEveryAddress() {
        String token = Gateway.unsignedJwt("burst-" + UUID.randomUUID());
        long refused = burst(60, i -> given().header("X-Forwarded-For", "192.0.2." + (i + 1))
                .header("Authorization", "Bearer " + token).get("/api/registry/v1/datasets")).stream()
                .filter(a -> a.statusCode() == 429).count();
        assertTrue(refused > 0, "60 requests of one principal, each from its own address, should pass its limit of 20");
        given().header("X-Forwarded-For", "192.0.2.200")
                .header("Authorization", "Bearer " + Gateway.unsignedJwt("someone-else"))
                .get("/api/registry/v1/datasets").then().statusCode(200);
    }

    @Test
    void loginAttemptsHaveAStricterLimit() {
        String address = "203.0.113." + (150 + (int) (Math.random() * 100));
        for (int i = 0; i < 3; i++) {
            given().header("X-Forwarded-For", address).formParam("username", "alice").formParam("password", "wrong")
                    .post("/oauth2/authorize").then().statusCode(200);
        }
        Response refused = given().header("X-Forwarded-For", address).formParam("username", "alice")
                .formParam("password", "wrong").post("/oauth2/authorize");
        refused.then().statusCode(429).contentType(startsWith("application/problem+json"));
        assertTrue(Long.parseLong(refused.header("Retry-After")) >= 10, refused.header("Retry-After"));
        // the token endpoint counts too; reading the issuer's metadata does not
        given().header("X-Forwarded-For", address).formParam("grant_type", "password").post("/oauth2/token").then()
                .statusCode(429);
        given().header("X-Forwarded-For", address).get("/.well-known/openid-configuration").then().statusCode(200);
        given().accept("text/plain").get("/q/metrics").then()
                .body(containsString("strata_gateway_rate_limited_requests_total{bucket=\"login\""));
    }

    @Test
    void whenRedisIsDownRequestsGoThroughAndReadinessIsDown() {
        stack.redis().stop();
        try {
            given().header("X-Forwarded-For", "198.51.100.200").get("/api/registry/v1/datasets").then()
                    .statusCode(200);
            awaitReadiness(503);
            given().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'Redis connection health check' }.status", is("DOWN"));
        } finally {
            stack.redis().start();
        }
        awaitReadiness(200);
        given().header("X-Forwarded-For", "198.51.100.201").get("/api/registry/v1/datasets").then().statusCode(200);
    }

    /** {@code count} requests at once, from 16 threads. */
    private static List<Response> burst(int count, IntFunction<Response> request) {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Response>> futures = IntStream.range(0, count)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> request.apply(i), pool)).toList();
            return futures.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdown();
        }
    }

    private static void awaitReadiness(int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = given().get("/q/health/ready").statusCode();
            if (last == status) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("readiness did not answer " + status + " within 30 s; last " + last);
    }
}
