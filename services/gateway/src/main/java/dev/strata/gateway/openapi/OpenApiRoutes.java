package dev.strata.gateway.openapi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.problem.Problem;

/**
 * {@code GET /api/openapi}: the services' API descriptions merged as reached through the gateway (see
 * {@link OpenApiMerger}), as sorted JSON. Registered before the proxy's {@code /api/*} (no service is called
 * {@code openapi}). The viewer is {@code /api-docs/} (Swagger UI, static files, no inline script).
 */
@ApplicationScoped
public class OpenApiRoutes {

    public static final String PATH = "/api/openapi";

    private final MergedOpenApi merged;

    OpenApiRoutes(MergedOpenApi merged) {
        this.merged = merged;
    }

    void register(@Observes Router router) {
        router.route(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT - 1).handler(this::handle);
        // Vert.x matches "/api-docs/" here too: only the bare path is sent on to the viewer's directory
        router.route("/api-docs").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT - 1).handler(ctx -> {
            if ("/api-docs".equals(ctx.normalizedPath())) {
                ctx.redirect("/api-docs/");
            } else {
                ctx.next();
            }
        });
    }

    void handle(RoutingContext ctx) {
        String method = ctx.request().method().name();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            ctx.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
            new Problem(405, "Method Not Allowed", "The API description is read with GET.").send(ctx);
            return;
        }
        Context context = Vertx.currentContext();
        merged.get().whenComplete((document, error) -> context.runOnContext(v -> {
            if (error != null) {
                new Problem(500, "Internal Server Error", "The API description could not be merged.").send(ctx);
                return;
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .end(Buffer.buffer(document.json()));
        }));
    }
}
