package dev.strata.transform.lineage;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.security.client.ServiceAccountToken;
import dev.strata.transform.config.TransformConfig;

/**
 * Pushes a dataset's lineage to the registry ({@code PUT /api/v1/lineage/{namespace}/{name}}, engineer in the
 * namespace) as transform's service account ({@link ServiceAccountToken}). Configured by
 * {@code strata.transform.lineage.registry-url}; without it nothing is pushed, and when the registry does not answer
 * or refuses the push a warning is logged — a build never fails because of it. The push is idempotent (a PUT of the
 * whole upstream).
 */
@ApplicationScoped
public class LineageClient {

    private static final Logger LOG = Logger.getLogger(LineageClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TransformConfig config;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ServiceAccountToken token;

    @Inject
    LineageClient(TransformConfig config,
            @ConfigProperty(name = "strata.services.auth.url") Optional<String> authUrl,
            @ConfigProperty(name = "strata.auth.issuer") Optional<String> issuer) {
        this(config, serviceAccount(config, authUrl.or(() -> issuer)));
    }

    /** A client that authenticates with {@code token} ({@code null}: sends no Authorization header). */
    public LineageClient(TransformConfig config, ServiceAccountToken token) {
        this.config = config;
        this.token = token;
    }

    private static ServiceAccountToken serviceAccount(TransformConfig config, Optional<String> authBase) {
        TransformConfig.ServiceAccount sa = config.serviceAccount();
        return ServiceAccountToken.configured("strata.transform.service-account", sa.clientId(), sa.clientSecret(),
                sa.tokenUrl(), authBase, config.lineage().timeout());
    }

    /** Whether a push is configured. */
    public boolean enabled() {
        return config.lineage().registryUrl().isPresent();
    }

    /**
     * Returns the registry's HTTP status, or -1 when not configured, unreachable, or when no token could be had. With
     * a service account the push carries its bearer token; a 401 drops the token and tries once more with a new one.
     */
    public int push(String namespace, String name, List<Upstream> upstream) {
        if (!enabled()) {
            return -1;
        }
        try {
            String url = config.lineage().registryUrl().get().replaceAll("/$", "") + "/api/v1/lineage/"
                    + URLEncoder.encode(namespace, StandardCharsets.UTF_8) + "/"
                    + URLEncoder.encode(name, StandardCharsets.UTF_8);
            String body = JSON.writeValueAsString(Map.of("upstream", upstream));
            int status = send(url, body);
            if (status == 401 && token != null) {
                token.invalidate();
                status = send(url, body);
            }
            if (status >= 300) {
                LOG.warnf("the registry answered %d to the lineage of %s.%s%s", status, namespace, name,
                        status == 401 || status == 403
                                ? token == null
                                        ? " (no service account is configured: set"
                                                + " strata.transform.service-account.client-id and client-secret)"
                                        : " (service account " + token.clientId() + " needs engineer in " + namespace
                                                + ")"
                                : "");
            }
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            LOG.warnf("lineage of %s.%s not pushed: %s", namespace, name, e.getMessage());
            return -1;
        }
    }

    private int send(String url, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.lineage().timeout())
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token.get());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IOException("the registry is not reachable (" + (e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage()) + ")", e);
        }
    }
}
