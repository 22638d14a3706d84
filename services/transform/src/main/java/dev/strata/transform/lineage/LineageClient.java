package dev.strata.transform.lineage;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.transform.config.TransformConfig;

/**
 * Pushes a dataset's lineage to the registry ({@code PUT /api/v1/lineage/{namespace}/{name}}). Configured by
 * {@code strata.transform.lineage.registry-url}; without it, or when the registry does not answer, lineage is only
 * logged at debug level — a build never fails because of it. The push is idempotent (a PUT of the whole upstream).
 */
@ApplicationScoped
public class LineageClient {

    private static final Logger LOG = Logger.getLogger(LineageClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TransformConfig config;
    private final HttpClient http = HttpClient.newHttpClient();

    LineageClient(TransformConfig config) {
        this.config = config;
    }

    /** Whether a push is configured. */
    public boolean enabled() {
        return config.lineage().registryUrl().isPresent();
    }

    /** Returns the HTTP status, or -1 when not configured or unreachable. */
    public int push(String namespace, String name, List<Upstream> upstream, String bearerToken) {
        if (!enabled()) {
            return -1;
        }
        try {
            String url = config.lineage().registryUrl().get().replaceAll("/$", "") + "/api/v1/lineage/"
                    + URLEncoder.encode(namespace, StandardCharsets.UTF_8) + "/"
                    + URLEncoder.encode(name, StandardCharsets.UTF_8);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.lineage().timeout())
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(Map.of("upstream", upstream))));
            if (bearerToken != null) {
                request.header("Authorization", "Bearer " + bearerToken);
            }
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 300) {
                LOG.warnf("the registry answered %d to the lineage of %s.%s", status, namespace, name);
            }
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            LOG.warnf("lineage of %s.%s not pushed: the registry is not reachable (%s)", namespace, name,
                    e.getMessage());
            return -1;
        }
    }
}
