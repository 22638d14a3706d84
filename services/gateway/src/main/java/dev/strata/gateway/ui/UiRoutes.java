package dev.strata.gateway.ui;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.problem.Problem;

/**
 * The web UI under {@code /ui/} (a single-page app; signing in is the session's, see {@code session/}): content-hashed
 * assets cached for a year as immutable, pre-compressed copies (brotli, gzip) chosen by {@code Accept-Encoding}, and
 * {@code index.html} (never cached) for every other path below {@code /ui/}, so a deep link such as
 * {@code /ui/namespaces/sales/runs/42} survives a reload. {@code /} and {@code /ui} redirect to {@code /ui/}.
 */
@ApplicationScoped
public class UiRoutes {

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    private final UiAssets assets = UiAssets.load(UiRoutes.class.getClassLoader());

    void register(@Observes Router router) {
        router.route("/").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(ctx -> redirect(ctx, "/ui/"));
        router.routeWithRegex("/ui(/.*)?").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            ctx.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
            new Problem(405, "Method Not Allowed", "the web UI answers GET and HEAD only").send(ctx);
            return;
        }
        String path = ctx.normalizedPath();
        if (path.equals("/ui")) {
            redirect(ctx, "/ui/");
            return;
        }
        if (!assets.built()) {
            new Problem(503, "Service Unavailable", "the web UI was not built into this gateway (its Maven build runs"
                    + " npm run build in services/gateway/src/main/webui)").send(ctx);
            return;
        }
        String name = path.substring("/ui/".length());
        var asset = name.isEmpty() ? java.util.Optional.<UiAssets.Asset>empty() : assets.get(name);
        if (asset.isPresent() && !name.equals(UiAssets.INDEX)) {
            send(ctx, asset.get(), name.startsWith("assets/") ? IMMUTABLE : REVALIDATE);
        } else if (name.startsWith("assets/") || lastSegment(name).contains(".") && !name.equals(UiAssets.INDEX)) {
            Problem.notFound("no file " + path + " in the web UI").send(ctx);
        } else {
            // a page of the app: its router reads the path
            send(ctx, assets.get(UiAssets.INDEX).orElseThrow(), REVALIDATE);
        }
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void send(RoutingContext ctx, UiAssets.Asset asset, String cacheControl) {
        HttpServerResponse response = ctx.response();
        String accepted = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
        Buffer body = asset.identity();
        if (asset.brotli() != null && accepts(accepted, "br")) {
            body = asset.brotli();
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "br");
        } else if (asset.gzip() != null && accepts(accepted, "gzip")) {
            body = asset.gzip();
            response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
                .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
                .putHeader(HttpHeaders.VARY, "Accept-Encoding");
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
        } else {
            response.end(body);
        }
    }

    /** Whether {@code Accept-Encoding} names {@code coding} without {@code q=0}. */
    static boolean accepts(String acceptEncoding, String coding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.strip().split(";");
            if (pieces[0].strip().equalsIgnoreCase(coding)) {
                for (int i = 1; i < pieces.length; i++) {
                    String param = pieces[i].strip().replace(" ", "");
                    if (param.matches("q=0(\\.0*)?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end();
    }
}
