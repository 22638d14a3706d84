package dev.strata.gateway.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * What a request carries to prove who it is, as the gateway sorts it: a bearer JWT (passed through, checked by the
 * service), a personal API token (exchanged for a JWT), a browser session cookie (its access token is forwarded), or
 * nothing. {@link #principalKey()} names the caller for its rate-limit bucket only: it is read from the token without
 * checking it, and hashed.
 */
public record Credentials(Kind kind, String token, String principalKey) {

    public enum Kind {
        NONE,
        BEARER,
        API_TOKEN,
        SESSION
    }

    public static final String API_TOKEN_PREFIX = "strata_pat_";
    private static final Credentials NONE = new Credentials(Kind.NONE, null, null);
    private static final String BEARER = "bearer ";

    /**
     * @param sessionCookie the value of the gateway's session cookie, or null
     */
    public static Credentials of(HttpServerRequest request, String sessionCookie) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            if (authorization.length() > BEARER.length()
                    && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String token = authorization.substring(BEARER.length()).strip();
                if (token.startsWith(API_TOKEN_PREFIX)) {
                    return new Credentials(Kind.API_TOKEN, token, "pat:" + sha256(token));
                }
                String subject = unverifiedSubject(token);
                return new Credentials(Kind.BEARER, token, subject == null ? null : "sub:" + sha256(subject));
            }
            // another scheme: forwarded as it is, the service decides
            return NONE;
        }
        if (sessionCookie != null && !sessionCookie.isEmpty()) {
            return new Credentials(Kind.SESSION, null, "session:" + sha256(sessionCookie));
        }
        return NONE;
    }

    /** The {@code sub} of a JWT, read without checking its signature: for a bucket key, nothing else. */
    static String unverifiedSubject(String jwt) {
        int first = jwt.indexOf('.');
        int second = first < 0 ? -1 : jwt.indexOf('.', first + 1);
        if (second < 0 || second - first > 8192) {
            return null;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(jwt.substring(first + 1, second));
            Object sub = new JsonObject(new String(payload, StandardCharsets.UTF_8)).getValue("sub");
            return sub instanceof String s && !s.isEmpty() ? s : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** SHA-256 in hex: how the gateway names a credential in Redis keys and caches, never the credential itself. */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        // never print a token
        return "Credentials[" + kind + "]";
    }
}
