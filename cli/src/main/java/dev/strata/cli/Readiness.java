package dev.strata.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Asks a service whether it is ready: {@code GET /q/health/ready} answers 200 (503 while a dependency is down). */
final class Readiness {

    static final String PATH = "/q/health/ready";

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    static String baseUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    static String healthUrl(int port) {
        return baseUrl(port) + PATH;
    }

    /** Completes with true on 200, false on any other answer or none. */
    CompletableFuture<Boolean> check(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(healthUrl(port))).timeout(TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() == 200)
                .exceptionally(e -> false);
    }

    boolean isReady(int port) {
        return check(port).join();
    }
}
