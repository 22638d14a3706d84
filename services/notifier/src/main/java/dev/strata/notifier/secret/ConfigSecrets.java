package dev.strata.notifier.secret;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

/**
 * Secrets from the service's configuration: the secret called {@code slack-ops} is the value of
 * {@code strata.secrets.slack-ops}, usually given as the environment variable {@code STRATA_SECRETS_SLACK_OPS} from a
 * Kubernetes Secret.
 */
@ApplicationScoped
public class ConfigSecrets implements Secrets {

    private final Config config;

    ConfigSecrets(Config config) {
        this.config = config;
    }

    @Override
    public Optional<String> value(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return config.getOptionalValue("strata.secrets." + name, String.class).filter(v -> !v.isBlank());
    }
}
