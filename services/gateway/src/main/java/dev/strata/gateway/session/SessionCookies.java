package dev.strata.gateway.session;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import dev.strata.gateway.config.GatewayConfig;

/**
 * The gateway's cookies: the OIDC session ({@code q_session}, set by quarkus-oidc), the login state
 * ({@code q_auth...}) and the CSRF token ({@code __Host-strata-csrf}, or {@code strata-csrf} when cookies are not
 * {@code Secure}). They belong to the gateway: they are removed from requests forwarded to services.
 */
@ApplicationScoped
public class SessionCookies {

    public static final String SESSION = "q_session";
    private static final String OIDC_PREFIX = "q_";

    private final String csrfName;
    private final boolean secure;

    SessionCookies(GatewayConfig config) {
        this.secure = config.secureCookies();
        this.csrfName = secure ? "__Host-strata-csrf" : "strata-csrf";
    }

    public String csrfName() {
        return csrfName;
    }

    public boolean secure() {
        return secure;
    }

    /** The session cookie's value, or null. */
    public String session(HttpServerRequest request) {
        if (request.getHeader(HttpHeaders.COOKIE) == null) {
            return null;
        }
        Cookie cookie = request.getCookie(SESSION);
        return cookie == null ? null : cookie.getValue();
    }

    public String csrf(HttpServerRequest request) {
        if (request.getHeader(HttpHeaders.COOKIE) == null) {
            return null;
        }
        Cookie cookie = request.getCookie(csrfName);
        return cookie == null ? null : cookie.getValue();
    }

    /** Removes the gateway's own cookies from the {@code Cookie} header before the request goes to a service. */
    public void stripFrom(HttpServerRequest request) {
        List<String> headers = request.headers().getAll(HttpHeaders.COOKIE);
        if (headers.isEmpty()) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String header : headers) {
            for (String pair : header.split(";")) {
                String p = pair.strip();
                String name = p.indexOf('=') < 0 ? p : p.substring(0, p.indexOf('='));
                if (!p.isEmpty() && !name.startsWith(OIDC_PREFIX) && !name.equals(csrfName)) {
                    kept.add(p);
                }
            }
        }
        if (kept.isEmpty()) {
            request.headers().remove(HttpHeaders.COOKIE);
        } else {
            request.headers().set(HttpHeaders.COOKIE, String.join("; ", kept));
        }
    }
}
