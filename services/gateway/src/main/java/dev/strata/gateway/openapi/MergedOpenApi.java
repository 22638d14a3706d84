package dev.strata.gateway.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.gateway.config.ServicesConfig;

/**
 * The merged API description, fetched from the services' {@code /q/openapi} and kept for {@code ttl} ({@code retry}
 * when a service was missing). One refresh at a time; callers during a refresh wait for it. A service that is down,
 * slow, answers an error or sends something that is not a description is reported in the document
 * ({@code x-strata-services}), never fatal.
 */
@ApplicationScoped
public class MergedOpenApi {

    private static final Logger LOG = Logger.getLogger(MergedOpenApi.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The merged description as served: sorted, indented JSON with a final newline. */
    public record Document(byte[] json, long expiresAtNanos) {
    }

    private final ServicesConfig services;
    private final OpenApiConfig config;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "strata-gateway-openapi");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client;
    private Document current;
    private CompletableFuture<Document> refreshing;

    MergedOpenApi(ServicesConfig services, OpenApiConfig config) {
        this.services = services;
        this.config = config;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(config.timeout()).executor(executor)
                .build();
    }

    /** The merged description: the kept one while it is fresh, else a new one once the services have answered. */
    public synchronized CompletableFuture<Document> get() {
        if (current != null && System.nanoTime() - current.expiresAtNanos() < 0) {
            return CompletableFuture.completedFuture(current);
        }
        if (refreshing == null) {
            CompletableFuture<Document> refresh = fetchAndMerge();
            refreshing = refresh;
            refresh.whenComplete((document, error) -> {
                synchronized (this) {
                    if (document != null) {
                        current = document;
                    }
                    refreshing = null;
                }
            });
        }
        return refreshing;
    }

    private CompletableFuture<Document> fetchAndMerge() {
        List<CompletableFuture<OpenApiMerger.Source>> fetches = new ArrayList<>();
        for (Map.Entry<String, Optional<URI>> service : services.upstreams().entrySet()) {
            String name = service.getKey();
            fetches.add(service.getValue()
                    .map(url -> fetch(name, url))
                    .orElseGet(() -> CompletableFuture.completedFuture(OpenApiMerger.Source.failed(name,
                            "not configured on this gateway"))));
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
            List<OpenApiMerger.Source> sources = fetches.stream().map(CompletableFuture::join).toList();
            ObjectNode merged = OpenApiMerger.merge(sources);
            boolean complete = sources.stream().allMatch(s -> s.document() != null);
            if (!complete) {
                LOG.infof("API description merged without some services: %s", OpenApiMerger.summary(merged));
            }
            long keep = (complete ? config.ttl() : config.retry()).toNanos();
            return new Document(write(merged), System.nanoTime() + keep);
        }, executor);
    }

    private CompletableFuture<OpenApiMerger.Source> fetch(String service, URI url) {
        HttpRequest request = HttpRequest.newBuilder(url.resolve("/q/openapi?format=json"))
                .header("Accept", "application/json").timeout(config.timeout()).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(response -> read(service, response), executor)
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    String why = cause instanceof HttpTimeoutException
                            ? "no answer within " + config.timeout().toMillis() + " ms"
                            : cause instanceof java.net.ConnectException
                                    ? "cannot be reached"
                                    : "cannot be reached (" + cause.getClass().getSimpleName() + ")";
                    return OpenApiMerger.Source.failed(service, why);
                });
    }

    private OpenApiMerger.Source read(String service, HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                return OpenApiMerger.Source.failed(service, "answered HTTP " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(config.maxBytes() + 1);
            if (bytes.length > config.maxBytes()) {
                return OpenApiMerger.Source.failed(service, "its description is larger than " + config.maxBytes()
                        + " bytes");
            }
            var document = JSON.readTree(bytes);
            if (document == null || !document.isObject() || !document.has("paths")) {
                return OpenApiMerger.Source.failed(service, "sent something that is not an OpenAPI document");
            }
            return OpenApiMerger.Source.ok(service, document);
        } catch (JsonProcessingException e) {
            return OpenApiMerger.Source.failed(service, "sent something that is not JSON");
        } catch (IOException e) {
            return OpenApiMerger.Source.failed(service, "its answer broke off");
        }
    }

    private static byte[] write(ObjectNode merged) {
        try {
            byte[] json = JSON.writeValueAsBytes(merged);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the merged API description could not be written", e);
        }
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }
}
