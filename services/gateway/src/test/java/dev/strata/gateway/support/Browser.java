package dev.strata.gateway.support;

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
