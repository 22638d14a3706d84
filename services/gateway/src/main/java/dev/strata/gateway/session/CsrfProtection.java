package dev.strata.gateway.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.headers.ClientAddress;
import dev.strata.gateway.headers.CorsPolicy;
import dev.strata.gateway.problem.Problem;

/**
 * CSRF protection for cookie-authenticated writes. A POST, PUT, PATCH or DELETE that carries the session cookie and no
 * {@code Authorization} header must either send {@code X-CSRF-Token} equal to the CSRF cookie (double submit: only a
 * page of the gateway's own origin can read that cookie) or come with an {@code Origin} that is the gateway's own (or a
 * configured CORS origin); otherwise 403. Requests with a bearer token are exempt: a browser never adds one on its own.
 * The CSRF cookie is issued to browser pages ({@code /ui}, {@code /login}) and to any request with a session.
 */
@ApplicationScoped
public class CsrfProtection {

    public static final int PRIORITY = 700;
    public static final String HEADER = "X-CSRF-Token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionCookies cookies;
    private final ClientAddress client;
    private final CorsPolicy cors;

    CsrfProtection(SessionCookies cookies, ClientAddress client, CorsPolicy cors) {
        this.cookies = cookies;
        this.client = client;
        this.cors = cors;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String session = cookies.session(request);
        String csrf = cookies.csrf(request);
        if (csrf == null && (session != null || isBrowserPage(ctx.normalizedPath()))) {
            issue(ctx);
        }
        if (isSafe(request.method()) || session == null || request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            ctx.next();
            return;
        }
        String header = request.getHeader(HEADER);
        if (csrf != null && header != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && (origin.equals(client.origin(request)) || cors.isAllowed(origin))) {
            ctx.next();
            return;
        }
        new Problem(403, "Forbidden", "This " + request.method().name()
                + " came with the browser session but without proof that a Strata page sent it: send the "
                + cookies.csrfName() + " cookie's value in the " + HEADER
                + " header (or call with a bearer token).").send(ctx);
    }

    private void issue(RoutingContext ctx) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ctx.response().addCookie(Cookie.cookie(cookies.csrfName(), value).setPath("/")
                .setSecure(cookies.secure()).setHttpOnly(false).setSameSite(CookieSameSite.STRICT));
    }

    static boolean isSafe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
                || method == HttpMethod.TRACE;
    }

    private static boolean isBrowserPage(String path) {
        return path.equals("/ui") || path.startsWith("/ui/") || path.equals("/login") || path.startsWith("/login/");
    }
}
