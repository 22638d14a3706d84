package dev.strata.gateway.headers;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.config.GatewayConfig;

/**
 * The first thing every request meets: it gets its request id and its trace context ({@link TraceContext}), and every response (the gateway's own, a service's, an
 * error) leaves with the security headers, and every answer under {@code /api} with {@code Cache-Control: no-store}.
 * They replace whatever a service set: the gateway is the edge.
 * {@code Strict-Transport-Security} only on requests that came over TLS.
 */
@ApplicationScoped
public class SecurityHeaders {

    /** Before CORS, CSRF, authentication and everything else. */
    public static final int PRIORITY = 1000;

    private static final CharSequence CSP = HttpHeaders.createOptimized("Content-Security-Policy");
    private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence REFERRER_NAME = HttpHeaders.createOptimized("Referrer-Policy");
    private static final CharSequence REFERRER = HttpHeaders.createOptimized("same-origin");
    private static final CharSequence FRAME_NAME = HttpHeaders.createOptimized("X-Frame-Options");
    private static final CharSequence FRAME = HttpHeaders.createOptimized("DENY");
    private static final CharSequence HSTS_NAME = HttpHeaders.createOptimized("Strict-Transport-Security");
    private static final CharSequence HSTS = HttpHeaders.createOptimized("max-age=31536000; includeSubDomains");
    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(RequestId.HEADER);
    private static final CharSequence TRACERESPONSE = HttpHeaders.createOptimized(TraceContext.TRACERESPONSE);
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    private final CharSequence contentSecurityPolicy;
    private final ClientAddress client;

    SecurityHeaders(GatewayConfig config, ClientAddress client) {
        this.contentSecurityPolicy = HttpHeaders.createOptimized(config.contentSecurityPolicy());
        this.client = client;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    void handle(RoutingContext ctx) {
        String requestId = RequestId.assign(ctx);
        String traceparent = TraceContext.assign(ctx, requestId);
        boolean tls = client.isTls(ctx.request());
        boolean api = isApi(ctx.normalizedPath());
        ctx.addHeadersEndHandler(v -> {
            MultiMap headers = ctx.response().headers();
            headers.set(CSP, contentSecurityPolicy);
            headers.set(NOSNIFF_NAME, NOSNIFF);
            headers.set(REFERRER_NAME, REFERRER);
            headers.set(FRAME_NAME, FRAME);
            if (tls) {
                headers.set(HSTS_NAME, HSTS);
            }
            headers.set(REQUEST_ID, requestId);
            headers.set(TRACERESPONSE, traceparent);
            if (api) {
                headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
            }
        });
        ctx.next();
    }

    /** An API answer (a service's, proxied, or the gateway's own problem) is never stored by a browser or proxy. */
    static boolean isApi(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }
}
