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

import dev.strata.netguard.AddressGuard;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Urls;

/** One JSON POST for the HTTP channels: a 2xx answer is delivered, anything else a failure to retry. */
public final class HttpPost {

    private final HttpClient client;
    private final Duration timeout;
    private final AddressGuard guard;

    public HttpPost(Duration timeout, AddressGuard guard) {
        this.timeout = timeout;
        this.guard = guard;
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
            uri = target(url, guard);
        } catch (AddressRefusedException e) {
            return SendResult.failed(null, e.getMessage()); // checked before connecting: nothing about the port
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

    /**
     * The URL held by a secret, parsed and checked by the address guard (redirects are never followed: a 3xx answer
     * is a failure).
     *
     * @throws AddressRefusedException naming the host and why, never the URL (it may hold a token)
     */
    public static URI target(String url, AddressGuard guard) {
        URI uri = Urls.http(url, "the URL in the secret");
        guard.check(uri);
        return uri;
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return ": " + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine);
    }
}
