package dev.strata.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import dev.strata.gateway.GatewayMetrics;
import dev.strata.gateway.config.GatewayConfig;

/**
 * Takes one token from each of a request's buckets. The buckets live in Redis and are taken from atomically, all or
 * none, in one round trip (a Lua script run with {@code EVALSHA}). To keep that round trip off most requests, a trip
 * takes a few tokens more than needed ({@link Bucket#leaseSize()}) and this gateway spends them locally for at most a
 * second: a busy client meets Redis about once every lease, while each limit still holds across all gateways to within
 * a lease per gateway. When Redis does not answer within {@code strata.gateway.rate-limit.redis-timeout} the request
 * goes through (fail open: the proxy keeps serving; readiness reports Redis DOWN).
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    private static final String SCRIPT_RESOURCE = "/ratelimit/token-bucket.lua";
    private static final long WARNING_INTERVAL_NANOS = 30_000_000_000L;
    private static final long LEASE_NANOS = 1_000_000_000L;
    private static final int SWEEP_ABOVE = 10_000;

    private final Redis redis;
    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final long timeoutMillis;
    private final String script;
    private final String sha;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    /** Buckets whose lease is on its way from Redis. */
    private final Set<String> leasing = ConcurrentHashMap.newKeySet();
    private volatile long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;

    RateLimiter(Redis redis, Vertx vertx, GatewayMetrics metrics, GatewayConfig config) {
        this.redis = redis;
        this.vertx = vertx;
        this.metrics = metrics;
        this.timeoutMillis = Math.max(1, config.rateLimit().redisTimeout().toMillis());
        this.script = readScript();
        this.sha = sha1(script);
    }

    /** Takes a token from every bucket, or none; completes with the decision, never fails. */
    public Future<Decision> take(List<Bucket> buckets) {
        if (buckets.isEmpty()) {
            return Future.succeededFuture(Decision.ALLOWED);
        }
        long now = System.nanoTime();
        List<Lease> spent = new ArrayList<>(buckets.size());
        List<Bucket> remote = new ArrayList<>(buckets.size());
        for (Bucket bucket : buckets) {
            Lease lease = leases.get(bucket.key());
            if (lease != null && lease.tryTake(now)) {
                spent.add(lease);
            } else {
                remote.add(bucket);
            }
        }
        if (remote.isEmpty()) {
            return Future.succeededFuture(Decision.ALLOWED);
        }
        List<Bucket> leader = new ArrayList<>(remote.size());
        long[] asks = new long[remote.size()];
        for (int i = 0; i < remote.size(); i++) {
            Bucket bucket = remote.get(i);
            if (bucket.leaseSize() > 1 && leasing.add(bucket.key())) {
                leader.add(bucket);
                asks[i] = bucket.leaseSize();
            } else {
                asks[i] = 1;
            }
        }
        Promise<Decision> promise = Promise.promise();
        promise.future().onComplete(done -> leader.forEach(bucket -> leasing.remove(bucket.key())));
        long timer = vertx.setTimer(timeoutMillis, id -> {
            if (promise.tryComplete(Decision.ALLOWED)) {
                unavailable("no answer within " + timeoutMillis + " ms");
            }
        });
        redis.send(command(Command.EVALSHA, sha, remote, asks))
                .recover(e -> isNoScript(e)
                        ? redis.send(command(Command.EVAL, script, remote, asks))
                        : Future.failedFuture(e))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.failed()) {
                        if (promise.tryComplete(Decision.ALLOWED)) {
                            unavailable(ar.cause().getMessage());
                        }
                        return;
                    }
                    Response answer = ar.result();
                    long wait = answer.get(0).toLong();
                    if (wait > 0) {
                        // a concurrent trip may have brought a lease meanwhile: spend from it rather than refuse
                        if (takeLocally(remote, System.nanoTime())) {
                            promise.tryComplete(Decision.ALLOWED);
                            return;
                        }
                        // nothing was taken in Redis; what was taken here goes back
                        spent.forEach(Lease::giveBack);
                        int worst = answer.size() > 1 ? answer.get(1).toInteger() : 1;
                        promise.tryComplete(Decision.retryAfter(wait, remote.get(Math.max(0, worst - 1)).kind()));
                        return;
                    }
                    keepLeases(remote, answer, System.nanoTime());
                    promise.tryComplete(Decision.ALLOWED);
                });
        return promise.future();
    }

    /** Takes one token from the lease of every bucket, or none (giving back what it took). */
    private boolean takeLocally(List<Bucket> buckets, long now) {
        List<Lease> taken = new ArrayList<>(buckets.size());
        for (Bucket bucket : buckets) {
            Lease lease = leases.get(bucket.key());
            if (lease == null || !lease.tryTake(now)) {
                taken.forEach(Lease::giveBack);
                return false;
            }
            taken.add(lease);
        }
        return true;
    }

    private void keepLeases(List<Bucket> buckets, Response answer, long now) {
        for (int i = 0; i < buckets.size(); i++) {
            long extra = answer.get(i + 1).toLong() - 1;
            if (extra > 0) {
                Lease fresh = new Lease(extra, now + LEASE_NANOS);
                leases.compute(buckets.get(i).key(), (key, old) -> old == null || old.remaining(now) == 0
                        ? fresh
                        : new Lease(old.remaining(now) + extra, now + LEASE_NANOS));
            }
        }
        if (leases.size() > SWEEP_ABOVE) {
            leases.values().removeIf(lease -> lease.isExpired(now));
        }
    }

    private static Request command(Command command, String scriptOrSha, List<Bucket> buckets, long[] asks) {
        Request request = Request.cmd(command).arg(scriptOrSha).arg(buckets.size());
        for (Bucket bucket : buckets) {
            request.arg(bucket.key());
        }
        for (int i = 0; i < buckets.size(); i++) {
            Bucket bucket = buckets.get(i);
            request.arg(bucket.capacity()).arg(Double.toString(bucket.refillPerSecond())).arg(asks[i]);
        }
        return request;
    }

    private static boolean isNoScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    private void unavailable(String why) {
        metrics.rateLimitUnavailable();
        long now = System.nanoTime();
        if (now - lastWarning >= WARNING_INTERVAL_NANOS) {
            lastWarning = now;
            LOG.warnf("Rate limits are not enforced: Redis did not answer (%s); requests go through until it does",
                    why);
        }
    }

    private static String readScript() {
        try (InputStream in = RateLimiter.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT_RESOURCE + " is missing from the gateway's classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
