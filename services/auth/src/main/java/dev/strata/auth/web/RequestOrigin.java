package dev.strata.auth.web;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import dev.strata.auth.config.AuthConfig;

/**
 * Where the current request comes from: the client address (from the gateway's {@code X-Forwarded-For}, or the
 * connection) and the request id the gateway assigned. Both are null outside an HTTP request (start-up).
 */
@RequestScoped
public class RequestOrigin {

    private final HttpServerRequest request;
    private final boolean trustForwardedFor;

    RequestOrigin(CurrentVertxRequest current, AuthConfig config) {
        RoutingContext context = current.getCurrent();
        this.request = context == null ? null : context.request();
        this.trustForwardedFor = config.audit().trustForwardedFor();
    }

    /**
     * The client address. With a trusted proxy the last {@code X-Forwarded-For} entry is the one the proxy appended,
     * so a client cannot forge it by sending its own header.
     */
    public String sourceIp() {
        if (request == null) {
            return null;
        }
        String forwarded = request.getHeader("X-Forwarded-For");
        if (trustForwardedFor && forwarded != null && !forwarded.isBlank()) {
            String[] hops = forwarded.split(",");
            String last = hops[hops.length - 1].trim();
            if (!last.isEmpty()) {
                return truncate(last, 64);
            }
        }
        SocketAddress remote = request.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }

    public String requestId() {
        if (request == null) {
            return null;
        }
        String id = request.getHeader("X-Request-Id");
        return id == null || id.isBlank() ? null : truncate(id, 128);
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
