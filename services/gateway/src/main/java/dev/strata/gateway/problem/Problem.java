package dev.strata.gateway.problem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.headers.RequestId;

/**
 * An RFC 9457 problem answered by the gateway itself: a status, a short title and a sentence a person can act on. The
 * request id is added so that a report can be matched with the logs.
 */
public record Problem(int status, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** How long the rest of an unwanted request body is received (and dropped) before the connection is closed. */
    private static final long LINGER_MILLIS = 500;

    public static Problem notFound(String detail) {
        return new Problem(404, "Not Found", detail);
    }

    public Buffer toJson(String requestId) {
        JsonObject json = new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                .put("detail", detail);
        if (requestId != null) {
            json.put("requestId", requestId);
        }
        return json.toBuffer();
    }

    /**
     * Answers the request with this problem. A request whose body was not read closes the connection (the rest of the
     * body is not worth receiving); an answer already started is cut off instead.
     */
    public void send(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE);
        boolean unread = hasUnreadBody(ctx.request());
        if (unread) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        response.end(toJson(RequestId.of(ctx)));
        if (unread) {
            closeSoon(ctx.request());
        }
    }

    /** Whether the request comes with a body that has not arrived yet (a GET without body does not count). */
    public static boolean hasUnreadBody(HttpServerRequest request) {
        if (request.isEnded()) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || length != null && !length.equals("0");
    }

    /**
     * Closes the connection of a request whose body will not be read, shortly after the answer: the client may still
     * be sending, and closing at once could destroy the answer before the client reads it.
     */
    public static void closeSoon(HttpServerRequest request) {
        request.resume();
        ((io.vertx.core.http.impl.HttpServerRequestInternal) request).context().owner().setTimer(LINGER_MILLIS,
                id -> request.connection().close());
    }
}
