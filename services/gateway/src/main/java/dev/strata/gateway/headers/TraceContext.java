package dev.strata.gateway.headers;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.vertx.ext.web.RoutingContext;

/**
 * W3C Trace Context at the edge. A request that arrives with a valid {@code traceparent} keeps its trace: the gateway
 * forwards it as it came. A request without one starts a trace here: its trace id is the request id when that is 32
 * hex digits (always, when the gateway generated it), so the id a user sees in {@code X-Request-Id} is the one to look
 * up in the logs of every service and worker the request reached, through Kafka included. Either way the response
 * names the trace in {@code traceresponse} (Trace Context Level 2).
 */
public final class TraceContext {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String TRACERESPONSE = "traceresponse";

    // version 00: 2 hex version, 32 hex trace id (not all zero), 16 hex parent id (not all zero), 2 hex flags
    private static final Pattern VALID = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Pattern TRACE_ID = Pattern.compile("(?!0{32})[0-9a-f]{32}");

    private TraceContext() {
    }

    /**
     * Decides the request's {@code traceparent} (once) and puts it on the request, so that the proxy forwards it.
     *
     * @return the traceparent the services get
     */
    static String assign(RoutingContext ctx, String requestId) {
        String incoming = ctx.request().getHeader(TRACEPARENT);
        if (incoming != null && VALID.matcher(incoming).matches()) {
            return incoming;
        }
        String traceId = TRACE_ID.matcher(requestId).matches() ? requestId : RequestId.generate();
        String traceparent = "00-" + traceId + "-" + spanId() + "-01";
        ctx.request().headers().set(TRACEPARENT, traceparent);
        ctx.request().headers().remove(TRACESTATE); // it belonged to a trace that is not continued
        return traceparent;
    }

    /** The trace id of a valid traceparent. */
    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    private static String spanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        String digits = Long.toHexString(id);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
