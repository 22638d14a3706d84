package dev.strata.gateway.headers;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

import dev.strata.gateway.config.GatewayConfig;

/**
 * Who is calling and how: the client address, scheme and host, from {@code X-Forwarded-*} only when
 * {@code strata.gateway.trust-forwarded} is true (a load balancer in front sets them), otherwise from the connection.
 */
@ApplicationScoped
public class ClientAddress {

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String X_FORWARDED_HOST = "X-Forwarded-Host";

    private final boolean trustForwarded;

    ClientAddress(GatewayConfig config) {
        this.trustForwarded = config.trustForwarded();
    }

    /** The client's address: the first hop of a trusted {@code X-Forwarded-For}, else the peer of the connection. */
    public String ip(HttpServerRequest request) {
        if (trustForwarded) {
            String forwarded = request.getHeader(X_FORWARDED_FOR);
            if (forwarded != null && !forwarded.isBlank()) {
                int comma = forwarded.indexOf(',');
                return (comma < 0 ? forwarded : forwarded.substring(0, comma)).strip();
            }
        }
        SocketAddress remote = request.remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }

    /** {@code https} when the request came over TLS (directly, or per a trusted {@code X-Forwarded-Proto}). */
    public String scheme(HttpServerRequest request) {
        if (trustForwarded) {
            String proto = request.getHeader(X_FORWARDED_PROTO);
            if (proto != null && !proto.isBlank()) {
                return proto.strip().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return request.isSSL() ? "https" : "http";
    }

    public boolean isTls(HttpServerRequest request) {
        return "https".equals(scheme(request));
    }

    /** The host the client asked for (a trusted {@code X-Forwarded-Host}, else {@code Host}). */
    public String host(HttpServerRequest request) {
        if (trustForwarded) {
            String host = request.getHeader(X_FORWARDED_HOST);
            if (host != null && !host.isBlank()) {
                return host.strip();
            }
        }
        HostAndPort authority = request.authority();
        return authority == null ? "" : authority.toString();
    }

    /** The gateway's origin as the client sees it, e.g. {@code https://strata.example.com}. */
    public String origin(HttpServerRequest request) {
        return scheme(request) + "://" + host(request);
    }

    /** Sets {@code X-Forwarded-For/Proto/Host} on the request before it is forwarded to a service. */
    public void forward(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        String incoming = trustForwarded ? request.getHeader(X_FORWARDED_FOR) : null;
        String scheme = scheme(request);
        String host = host(request);
        request.headers().set(X_FORWARDED_FOR, incoming == null || incoming.isBlank() ? peer : incoming + ", " + peer);
        request.headers().set(X_FORWARDED_PROTO, scheme);
        request.headers().set(X_FORWARDED_HOST, host);
    }
}
