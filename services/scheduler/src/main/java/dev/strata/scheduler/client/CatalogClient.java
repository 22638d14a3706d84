package dev.strata.scheduler.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.events.LoadSpec;
import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.security.client.ServiceAccountToken;

/**
 * Asks the registry, the transform service, the notifier and auth about what a pipeline names, as the scheduler's service
 * account ({@link ServiceAccountToken}). Each answer is "it exists", "it does not" or {@link Unavailable}: the service
 * has no URL configured, did not answer, or refused the scheduler (a 401/403 names the service account's missing
 * role). Tokens and secrets never appear in a message.
 */
@ApplicationScoped
public class CatalogClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The other service cannot say: a save is refused with 503, a dispatch fails the attempt (retried). */
    public static final class Unavailable extends Exception {

        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final SchedulerConfig.Catalog config;
    private final ServiceAccountToken token;
    private final HttpClient http;

    @Inject
    CatalogClient(SchedulerConfig config, @ConfigProperty(name = "strata.services.auth.url") Optional<String> authUrl,
            @ConfigProperty(name = "strata.auth.issuer") Optional<String> issuer) {
        this(config.catalog(), serviceAccount(config, authUrl.or(() -> issuer)));
    }

    public CatalogClient(SchedulerConfig.Catalog config, ServiceAccountToken token) {
        this.config = config;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    private static ServiceAccountToken serviceAccount(SchedulerConfig config, Optional<String> authBase) {
        SchedulerConfig.ServiceAccount sa = config.serviceAccount();
        return ServiceAccountToken.configured("strata.scheduler.service-account", sa.clientId(), sa.clientSecret(),
                sa.tokenUrl(), authBase, config.catalog().timeout());
    }

    /** Whether save-time checks of {@code kind} (datasets, projects, channels) are on. */
    public boolean verifies(String kind) {
        return config.verify().contains(kind);
    }

    /** The registered dataset's load spec; empty when the namespace has no such dataset (or it has no source). */
    public Optional<LoadSpec> loadSpec(String namespace, String dataset) throws Unavailable {
        Optional<JsonNode> found = get("registry", config.registryUrl(), "strata.scheduler.catalog.registry-url",
                "/api/v1/datasets/" + enc(namespace) + "/" + enc(dataset) + "/load-spec");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LoadSpec.readLenient(JSON.writeValueAsString(found.get())));
        } catch (IOException e) {
            throw new Unavailable("the registry answered something that is not a load spec for " + namespace + "."
                    + dataset);
        }
    }

    /**
     * Whether the transform project version a task names exists: {@code <project>} (its newest version) or
     * {@code <project>@<n>}. A version id (a UUID) is taken as written: the worker refuses an unknown one.
     */
    public boolean projectExists(String namespace, String projectVersion) throws Unavailable {
        int at = projectVersion.indexOf('@');
        if (projectVersion.matches("[0-9a-fA-F-]{36}")) {
            return true;
        }
        String path = at < 0
                ? "/api/v1/projects/" + enc(namespace) + "/" + enc(projectVersion)
                : "/api/v1/projects/" + enc(namespace) + "/" + enc(projectVersion.substring(0, at)) + "/versions/"
                        + enc(projectVersion.substring(at + 1));
        return get("transform", config.transformUrl(), "strata.scheduler.catalog.transform-url", path).isPresent();
    }

    /**
     * Whether the selector picks at least one model of the project version ({@code <project>} or
     * {@code <project>@<n>}); true when the project (version) does not exist, which {@link #projectExists} reports, and
     * for a version id. False also when the transform service cannot read the selector (400).
     */
    public boolean selectorMatches(String namespace, String projectVersion, String selector) throws Unavailable {
        if (projectVersion.matches("[0-9a-fA-F-]{36}")) {
            return true;
        }
        int at = projectVersion.indexOf('@');
        String project = at < 0 ? projectVersion : projectVersion.substring(0, at);
        String path = "/api/v1/projects/" + enc(namespace) + "/" + enc(project) + "/selection?select=" + enc(selector)
                + (at < 0 ? "" : "&version=" + enc(projectVersion.substring(at + 1)));
        if (!projectExists(namespace, projectVersion)) {
            return true;
        }
        Optional<JsonNode> answer = get("transform", config.transformUrl(), "strata.scheduler.catalog.transform-url",
                path);
        return answer.isPresent() && answer.get().path("models").isArray() && !answer.get().path("models").isEmpty();
    }

    /** Whether the namespace has a notification channel of this name. */
    public boolean channelExists(String namespace, String channel) throws Unavailable {
        Optional<JsonNode> list = get("notifier", config.notifierUrl(), "strata.scheduler.catalog.notifier-url",
                "/api/v1/channels?namespace=" + enc(namespace));
        if (list.isEmpty() || !list.get().isArray()) {
            return false;
        }
        for (JsonNode c : list.get()) {
            if (namespace.equals(c.path("namespace").asText()) && channel.equals(c.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the namespace has a connection of this name (auth answers its kind and settings, never a secret's
     * value; the scheduler's account needs viewer in the namespace).
     */
    public boolean connectionExists(String namespace, String connection) throws Unavailable {
        return get("auth", config.authUrl(), "strata.scheduler.catalog.auth-url", "/api/v1/namespaces/"
                + enc(namespace) + "/connections/" + enc(connection)).isPresent();
    }

    /** The JSON answer, empty on 404 (and 400: a name the service does not accept does not exist there). */
    private Optional<JsonNode> get(String service, Optional<String> base, String key, String path)
            throws Unavailable {
        if (base.isEmpty()) {
            throw new Unavailable("the scheduler cannot reach the " + service + ": no URL is configured (" + key
                    + ")");
        }
        URI uri = URI.create(base.get().replaceAll("/+$", "") + path);
        try {
            HttpResponse<String> response = send(uri);
            if (response.statusCode() == 401 && token != null) {
                token.invalidate();
                response = send(uri);
            }
            int status = response.statusCode();
            if (status == 404 || status == 400) {
                return Optional.empty();
            }
            if (status == 401 || status == 403) {
                throw new Unavailable("the " + service + " refused the scheduler (" + status + "): "
                        + (token == null
                                ? "no service account is configured (strata.scheduler.service-account.client-id and"
                                        + " client-secret)"
                                : "its service account " + token.clientId() + " needs viewer in the namespace"));
            }
            if (status != 200) {
                throw new Unavailable("the " + service + " answered " + status + " at " + base.get());
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new Unavailable("the " + service + " at " + base.get() + " did not answer: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking the " + service);
        }
    }

    private HttpResponse<String> send(URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.timeout())
                .header("Accept", "application/json").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token.get());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

}
