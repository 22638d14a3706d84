package dev.strata.gateway.headers;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.vertx.ext.web.RoutingContext;

/**
 * The request id: the caller's {@code X-Request-Id} when it is a plain token, otherwise 32 new random hex digits. It is forwarded to
 * the service, echoed in the response and named in every problem the gateway answers.
 */
public final class RequestId {

    public static final String HEADER = "X-Request-Id";
    private static final String KEY = "strata.request-id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestId() {
    }

    /** Decides the request's id (once) and puts it on the request, so that the proxy forwards it. */
    static String assign(RoutingContext ctx) {
        String incoming = ctx.request().getHeader(HEADER);
        String id = incoming != null && ACCEPTED.matcher(incoming).matches() ? incoming : generate();
        ctx.put(KEY, id);
        ctx.request().headers().set(HEADER, id);
        return id;
    }

    /** 128 random bits in hex: unique enough to find a request in the logs, and cheap (no SecureRandom lock). */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return hex(random.nextLong()) + hex(random.nextLong());
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }

    /** The request's id, or null before the edge filter ran. */
    public static String of(RoutingContext ctx) {
        return ctx.get(KEY);
    }
}
