package dev.strata.notifier.channel;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** One JSON POST for the HTTP channels: a 2xx answer is delivered, anything else a failure to retry. */
public final class HttpPost {

    private final HttpClient client;
    private final Duration timeout;

    public HttpPost(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Posts {@code body}. Error texts describe the failure without the URL (it may hold a token); the caller masks
     * secret values in them as well.
     */
    public SendResult post(String url, String body, Map<String, String> headers) {
        URI uri;
        try {
            uri = URI.create(url);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                return SendResult.failed(null, "the URL in the secret is not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            return SendResult.failed(null, "the URL in the secret is not a valid URL");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return SendResult.delivered(status);
            }
            return SendResult.failed(status, "the receiver answered HTTP " + status + snippet(response.body()));
        } catch (HttpTimeoutException e) {
            return SendResult.failed(null, "the receiver did not answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return SendResult.failed(null, "could not connect to " + uri.getHost() + ": connection refused");
        } catch (IOException e) {
            return SendResult.failed(null, "sending failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.failed(null, "sending was interrupted (the service is stopping)");
        }
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return ": " + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine);
    }
}
