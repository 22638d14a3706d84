package dev.strata.auth.oidc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * The few HTML pages of the issuer (login, errors, signed out), rendered with Qute (HTML-escaped) and sent with
 * headers that keep them out of frames and caches.
 */
@ApplicationScoped
public class HtmlPages {

    private final Template login;
    private final Template message;
    private final Template device;

    HtmlPages(@Location("login.html") Template login, @Location("message.html") Template message,
            @Location("device.html") Template device) {
        this.login = login;
        this.message = message;
        this.device = device;
    }

    /** The device grant's verification page: the user code (pre-filled from the link), credentials, approve/deny. */
    public Response device(String userCode, String username, String error) {
        return page(200, device.data("userCode", userCode).data("username", username == null ? "" : username)
                .data("error", error).render());
    }

    /** The sign-in form; {@code error} and {@code username} are shown again after a failed attempt. */
    public Response login(AuthorizationRequest request, String username, String error) {
        return page(200, login.data("request", request).data("username", username == null ? "" : username)
                .data("error", error).render());
    }

    public Response message(int status, String title, String text) {
        return page(status, message.data("title", title).data("text", text).render());
    }

    private static Response page(int status, String html) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html)
                .header("Cache-Control", "no-store").header("Pragma", "no-cache")
                .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
                .build();
    }
}
