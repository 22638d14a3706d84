package dev.strata.gateway.problem;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.headers.RequestId;

/**
 * An RFC 9457 problem answered by the gateway itself, in the shape of the services' problems (libs/web): a type
 * {@code urn:strata:problem:<slug>}, a status, a short title and a sentence a person can act on. The request id is
 * added so that a report can be matched with the logs. A 401 carries {@code WWW-Authenticate}.
 */
public record Problem(String slug, int status, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** The prefix of every problem type, as in libs/web. */
    public static final String TYPE_PREFIX = "urn:strata:problem:";
    /** The slug of a 401 for a credential that was presented and refused (an API token, a session). */
    public static final String INVALID_TOKEN = "invalid-token";
    /** How long the rest of an unwanted request body is received (and dropped) before the connection is closed. */
    private static final long LINGER_MILLIS = 500;

    /** A problem whose slug follows from its status, as libs/web names them. */
    public Problem(int status, String title, String detail) {
        this(slugOf(status), status, title, detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "Not Found", detail);
    }

    public String type() {
        return TYPE_PREFIX + slug;
    }

    /** The {@code WWW-Authenticate} challenge of a 401 (RFC 6750), null for any other status. */
    public String challenge() {
        if (status != 401) {
            return null;
        }
        return INVALID_TOKEN.equals(slug) ? "Bearer error=\"invalid_token\"" : "Bearer";
    }

    private static String slugOf(int status) {
        return switch (status) {
            case 400 -> "invalid-request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 413 -> "body-too-large";
            case 429 -> "rate-limited";
            default -> "http-" + status;
        };
    }

    public Buffer toJson(String requestId) {
        JsonObject json = new JsonObject().put("type", type()).put("title", title).put("status", status)
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
        if (challenge() != null) {
            response.putHeader("WWW-Authenticate", challenge());
        }
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
