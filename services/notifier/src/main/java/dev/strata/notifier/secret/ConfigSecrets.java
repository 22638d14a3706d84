package dev.strata.notifier.secret;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import dev.strata.notifier.config.NotifierConfig;
import dev.strata.security.client.ConnectionClient;
import dev.strata.security.client.ResolvedConnection;
import dev.strata.security.client.ServiceAccountToken;

/**
 * Secrets from the service's configuration: the secret called {@code slack-ops} is the value of
 * {@code strata.secrets.slack-ops}, usually given as the environment variable {@code STRATA_SECRETS_SLACK_OPS} from a
 * Kubernetes Secret. With the notifier's service account configured, a channel of a namespace first sees the
 * namespace's own secret of that name (auth service, {@code PUT /api/v1/namespaces/{ns}/secrets/{name}}), resolved
 * when a notification is sent and kept in memory for that delivery only; a channel naming a whole {@code connection}
 * of its namespace gets it resolved the same way.
 */
@ApplicationScoped
public class ConfigSecrets implements Secrets {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Config config;
    private final Optional<ConnectionClient> auth;

    ConfigSecrets(Config config, NotifierConfig notifier) {
        this.config = config;
        this.auth = client(config, notifier.serviceAccount());
    }

    @Override
    public Optional<String> value(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return config.getOptionalValue("strata.secrets." + name, String.class).filter(v -> !v.isBlank());
    }

    @Override
    public Secrets in(String namespace) {
        if (auth.isEmpty() || namespace == null) {
            return this;
        }
        ConnectionClient client = auth.get();
        Map<String, Optional<String>> resolved = new HashMap<>();
        Map<String, Optional<ResolvedConnection>> connections = new HashMap<>();
        ConfigSecrets operator = this;
        return new Secrets() {
            @Override
            public Optional<String> value(String name) {
                if (name == null || !NAME.matcher(name).matches()) {
                    return Optional.empty();
                }
                return resolved.computeIfAbsent(name, n -> {
                    try {
                        return Optional.of(client.secret(namespace, n, "notifier channel"));
                    } catch (ConnectionClient.ResolveException e) {
                        if (e.status() == 404) {
                            return operator.value(n);
                        }
                        throw new MissingSecretException("secret '" + n + "' of namespace '" + namespace
                                + "' cannot be read: " + e.getMessage());
                    }
                });
            }

            @Override
            public Optional<ResolvedConnection> connection(String name) {
                if (name == null || !NAME.matcher(name).matches()) {
                    return Optional.empty();
                }
                return connections.computeIfAbsent(name, n -> {
                    try {
                        return Optional.of(client.connection(namespace, n, "notifier channel"));
                    } catch (ConnectionClient.ResolveException e) {
                        if (e.status() == 404) {
                            return Optional.empty();
                        }
                        throw new MissingSecretException("connection '" + n + "' of namespace '" + namespace
                                + "' cannot be read: " + e.getMessage());
                    }
                });
            }

            @Override
            public String whereToSet(String name) {
                return "the namespace's secret (PUT /api/v1/namespaces/" + namespace + "/secrets/" + name
                        + " at the auth service) or " + operator.whereToSet(name);
            }
        };
    }

    private static Optional<ConnectionClient> client(Config config, NotifierConfig.ServiceAccount sa) {
        if (sa.clientId().isEmpty()) {
            return Optional.empty();
        }
        String base = config.getOptionalValue("strata.services.auth.url", String.class)
                .orElseThrow(() -> new IllegalStateException("strata.notifier.service-account.client-id is set but "
                        + "strata.services.auth.url is not"));
        String secret = sa.clientSecret().orElseThrow(() -> new IllegalStateException("strata.notifier.service-"
                + "account.client-id is set but its client-secret is not (STRATA_NOTIFIER_SERVICE_ACCOUNT_CLIENT_SECRET)"));
        return Optional.of(new ConnectionClient(URI.create(base), new ServiceAccountToken(URI.create(
                base.replaceAll("/+$", "") + "/oauth2/token"), sa.clientId().get(), secret, TIMEOUT), TIMEOUT));
    }
}
