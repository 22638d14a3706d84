package dev.strata.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A browser as far as the gateway can tell: it keeps cookies (per test, one host) and follows nothing on its own. */
public final class Browser {

    private final Map<String, String> cookies = new LinkedHashMap<>();
    /** Every Set-Cookie line received, by cookie name (the last one). */
    private final Map<String, String> setCookieLines = new LinkedHashMap<>();

    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** The code flow, as a browser follows it: gateway → issuer → gateway callback → the page first asked for. */
    public static Browser signIn(URI gateway, String page) {
        Browser browser = new Browser();
        HttpResponse<String> toIssuer = browser.get(gateway.resolve(page));
        assertEquals(302, toIssuer.statusCode(), toIssuer.body());
        HttpResponse<String> toCallback = browser.get(URI.create(toIssuer.headers().firstValue("Location")
                .orElseThrow()));
        assertEquals(302, toCallback.statusCode(), "the issuer should approve: " + toCallback.body());
        HttpResponse<String> callback = browser.get(URI.create(toCallback.headers().firstValue("Location")
                .orElseThrow()));
        assertEquals(302, callback.statusCode(), "the callback should complete the login: " + callback.body());
        assertTrue(callback.headers().firstValue("Location").orElse("").endsWith(page),
                "back to the page first asked for: " + callback.headers().firstValue("Location"));
        assertNotNull(browser.cookie("q_session"), "a session cookie after the callback: " + browser.cookieNames());
        return browser;
    }

    /** The answer's raw bytes (a compressed body stays as it came), with this browser's cookies. */
    public HttpResponse<byte[]> bytes(HttpRequest.Builder request) {
        withCookies(request);
        try {
            return Gateway.CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void withCookies(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response = Gateway.send(request.timeout(Duration.ofSeconds(20)).build());
        for (String line : response.headers().allValues("set-cookie")) {
            String pair = line.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            String lower = line.toLowerCase(Locale.ROOT);
            setCookieLines.put(name, line);
            if (value.isEmpty() || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }

    public String cookie(String name) {
        return cookies.get(name);
    }

    public String setCookieLine(String name) {
        return setCookieLines.get(name);
    }

    public List<String> cookieNames() {
        return List.copyOf(cookies.keySet());
    }
}
