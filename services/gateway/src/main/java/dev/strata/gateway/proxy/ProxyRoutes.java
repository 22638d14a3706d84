package dev.strata.gateway.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.GatewayMetrics;
import dev.strata.gateway.config.GatewayConfig;
import dev.strata.gateway.headers.ClientAddress;
import dev.strata.gateway.headers.RequestId;
import dev.strata.gateway.problem.Problem;
import dev.strata.gateway.problem.ProblemException;
import dev.strata.gateway.ratelimit.Decision;
import dev.strata.gateway.ratelimit.RateLimitPolicy;
import dev.strata.gateway.ratelimit.RateLimiter;
import dev.strata.gateway.session.SessionCookies;
import dev.strata.gateway.session.SessionCredentials;
import dev.strata.gateway.token.ApiTokenExchange;
import dev.strata.gateway.token.Credentials;

/**
 * The proxied routes ({@code /api/**}, {@code /oauth2/**}, {@code /.well-known/**}) and what happens to each request on
 * its way to a service: route, rate limit, credentials for the service (API token exchanged, session's access token),
 * forwarding headers, then the proxy. The body is never read here: the request stays paused until the proxy streams
 * it to the service.
 */
@ApplicationScoped
public class ProxyRoutes {

    private final Upstreams upstreams;
    private final RateLimitPolicy policy;
    private final RateLimiter rateLimiter;
    private final ApiTokenExchange apiTokens;
    private final SessionCredentials sessions;
    private final SessionCookies cookies;
    private final ClientAddress client;
    private final GatewayMetrics metrics;
    private final long timeoutMillis;

    ProxyRoutes(Upstreams upstreams, RateLimitPolicy policy, RateLimiter rateLimiter, ApiTokenExchange apiTokens,
            SessionCredentials sessions, SessionCookies cookies, ClientAddress client, GatewayMetrics metrics,
            GatewayConfig config) {
        this.upstreams = upstreams;
        this.policy = policy;
        this.rateLimiter = rateLimiter;
        this.apiTokens = apiTokens;
        this.sessions = sessions;
        this.cookies = cookies;
        this.client = client;
        this.metrics = metrics;
        this.timeoutMillis = config.upstreamTimeout().toMillis();
    }

    void register(@Observes Router router) {
        // before the REST endpoints of the gateway itself; after Quarkus' filters (security headers, CORS, CSRF, auth)
        for (String path : new String[]{"/api", "/api/*", "/oauth2/*", "/.well-known/*"}) {
            router.route(path).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
        }
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // nothing of the body may be read (and lost) before the proxy streams it
        request.pause();
        String path = ctx.normalizedPath();
        Route route;
        try {
            route = Route.of(path, request.query());
        } catch (ProblemException e) {
            e.problem().send(ctx);
            return;
        }
        Upstream upstream = upstreams.get(route.service()).orElse(null);
        if (upstream == null) {
            new Problem(503, "Service Unavailable", "The " + route.service()
                    + " service is not configured on this gateway (STRATA_SERVICES_"
                    + route.service().toUpperCase(java.util.Locale.ROOT) + "_URL is not set).").send(ctx);
            return;
        }
        Context context = Vertx.currentContext();
        Credentials credentials = Credentials.of(request, cookies.session(request));
        rateLimiter.take(policy.bucketsFor(request, path, credentials.principalKey()))
                .onComplete(ar -> on(context, () -> afterRateLimit(ctx, context, upstream, route, credentials,
                        ar.result())));
    }

    private void afterRateLimit(RoutingContext ctx, Context context, Upstream upstream, Route route,
            Credentials credentials, Decision decision) {
        if (!decision.allowed()) {
            metrics.rateLimited(decision.bucket());
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
            new Problem(429, "Too Many Requests", "Too many requests from this client or principal; try again in "
                    + decision.retryAfterSeconds() + " s.").send(ctx);
            return;
        }
        bearerFor(ctx, context, credentials).onComplete(ar -> on(context, () -> {
            if (ar.failed()) {
                Problem problem = ar.cause() instanceof ProblemException p
                        ? p.problem()
                        : new Problem(500, "Internal Server Error", "The gateway could not forward the request.");
                problem.send(ctx);
                return;
            }
            forward(ctx, upstream, route, ar.result());
        }));
    }

    /** The bearer token to forward instead of the caller's credentials, or null to forward them as they are. */
    private Future<String> bearerFor(RoutingContext ctx, Context context, Credentials credentials) {
        return switch (credentials.kind()) {
            case API_TOKEN -> apiTokens.jwtFor(credentials.token());
            case SESSION -> sessions.accessToken(ctx, context);
            default -> Future.succeededFuture();
        };
    }

    private void forward(RoutingContext ctx, Upstream upstream, Route route, String bearer) {
        HttpServerRequest request = ctx.request();
        if (bearer != null) {
            request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
        }
        cookies.stripFrom(request);
        client.forward(request);
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            // every check passed: now the client may send the body
            request.headers().remove(HttpHeaders.EXPECT);
            request.response().writeContinue();
        }
        upstream.proxy().handle(new UpstreamRequest(request, upstream, route.uri(), RequestId.of(ctx), timeoutMillis));
    }

    private static void on(Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
