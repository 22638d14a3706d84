package dev.strata.gateway.proxy;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpServerRequestWrapper;

/**
 * The request handed to the proxy, carrying what the gateway decided about it (where it goes, its id) to the
 * {@link ForwardingInterceptor}. A plain delegate otherwise (vertx-web wraps requests the same way).
 */
final class UpstreamRequest extends HttpServerRequestWrapper {

    private final Upstream upstream;
    private final String target;
    private final String requestId;
    private final long timeoutMillis;
    private volatile boolean bodyTooLarge;
    private volatile boolean refused;
    private volatile HttpClientRequest sending;

    UpstreamRequest(HttpServerRequest request, Upstream upstream, String target, String requestId,
            long timeoutMillis) {
        super((HttpServerRequestInternal) request);
        this.upstream = upstream;
        this.target = target;
        this.requestId = requestId;
        this.timeoutMillis = timeoutMillis;
    }

    /** The request to the service, once the proxy has opened it. */
    void sending(HttpClientRequest request) {
        this.sending = request;
        // failures reach the proxy through the response; a reset on purpose (body too large) is not an error to log
        request.exceptionHandler(ignored -> {
        });
    }

    /**
     * The whole body reached the service: from now on it has {@code upstream-timeout} to start answering (not before,
     * or a long upload would time out while the service is rightly silent).
     */
    void bodySent() {
        HttpClientRequest request = sending;
        if (request != null && timeoutMillis > 0) {
            request.idleTimeout(timeoutMillis);
        }
    }

    Upstream upstream() {
        return upstream;
    }

    /** The path and query to ask the service for. */
    String target() {
        return target;
    }

    String requestId() {
        return requestId;
    }

    void bodyTooLarge() {
        bodyTooLarge = true;
    }

    boolean isBodyTooLarge() { return bodyTooLarge; }

    /** The gateway answers in place of the service before the body was read: the connection closes afterwards. */
    void refused() {
        refused = true;
    }

    boolean isRefused() { return refused; }
}
