package dev.strata.gateway.headers;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.config.GatewayConfig;
import dev.strata.gateway.problem.Problem;

/**
 * CORS by configuration ({@code strata.gateway.cors-origins}, none by default): a listed origin may call with
 * credentials and read the answer; a preflight from any other origin answers 403. Requests from other origins are not
 * refused here (the browser keeps their answers from the page); cookie-authenticated writes from them are refused by
 * the CSRF check.
 */
@ApplicationScoped
public class CorsPolicy {

    public static final int PRIORITY = 900;

    static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-CSRF-Token, X-Request-Id, traceparent, tracestate";
    static final String EXPOSED_HEADERS = "X-Request-Id, traceresponse, Retry-After, Location";

    private final Set<String> origins;
    private final ClientAddress client;

    CorsPolicy(GatewayConfig config, ClientAddress client) {
        this.origins = config.corsOrigins().orElse(List.of()).stream().map(CorsPolicy::normalize)
                .filter(o -> !o.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.client = client;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    /** Whether {@code origin} is one the configuration lists. */
    public boolean isAllowed(String origin) {
        return origin != null && origins.contains(normalize(origin));
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String origin = request.getHeader("Origin");
        if (origin == null || normalize(origin).equals(client.origin(request))) {
            ctx.next();
            return;
        }
        boolean preflight = request.method() == HttpMethod.OPTIONS
                && request.getHeader("Access-Control-Request-Method") != null;
        if (!isAllowed(origin)) {
            if (preflight) {
                new Problem(403, "Forbidden", "The origin " + origin
                        + " may not call Strata from a browser; an operator can allow it with STRATA_GATEWAY_CORS_ORIGINS.")
                        .send(ctx);
            } else {
                ctx.next();
            }
            return;
        }
        MultiMap headers = ctx.response().headers();
        headers.set("Access-Control-Allow-Origin", origin);
        headers.set("Access-Control-Allow-Credentials", "true");
        headers.add("Vary", "Origin");
        if (preflight) {
            headers.set("Access-Control-Allow-Methods", ALLOWED_METHODS);
            headers.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            headers.set("Access-Control-Max-Age", "600");
            ctx.response().setStatusCode(204).end();
            return;
        }
        headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        ctx.next();
    }

    private static String normalize(String origin) {
        String o = origin.strip();
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
