package dev.strata.gateway.config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Where the services listen, under {@code strata.services.<name>.url} (env {@code STRATA_SERVICES_<NAME>_URL}, set by
 * the launcher and the chart). Explicit keys, because map keys cannot be discovered from environment variables alone.
 */
@ConfigMapping(prefix = "strata.services")
public interface ServicesConfig {

    Service gateway();

    Service auth();

    Service registry();

    Service ingest();

    Service transform();

    Service scheduler();

    Service notifier();

    interface Service {

        Optional<URI> url();
    }

    /** The services the gateway routes to, by name (the gateway itself is not one), configured or not. */
    default Map<String, Optional<URI>> upstreams() {
        Map<String, Optional<URI>> upstreams = new LinkedHashMap<>();
        upstreams.put("auth", auth().url());
        upstreams.put("registry", registry().url());
        upstreams.put("ingest", ingest().url());
        upstreams.put("transform", transform().url());
        upstreams.put("scheduler", scheduler().url());
        upstreams.put("notifier", notifier().url());
        return upstreams;
    }
}
