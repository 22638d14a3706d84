package dev.strata.ingest.load;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import io.minio.MinioClient;

import dev.strata.ingest.config.IngestConfig;
import dev.strata.ingest.connection.ConnectionResolver;
import dev.strata.ingest.source.Secrets;
import dev.strata.ingest.source.SourceFetcher;
import dev.strata.ingest.spec.SourceLocations;
import dev.strata.security.client.ConnectionClient;
import dev.strata.security.client.ServiceAccountToken;
import dev.strata.warehouse.NamespaceRoles;

/** Wires the plain-Java load path to the service's configuration, the namespace roles and the S3 client. */
@ApplicationScoped
public class LoaderProducer {

    /** Secrets by name: strata.ingest.secrets.<name>, or the environment variable STRATA_INGEST_SECRETS_<NAME>. */
    public static Secrets configSecrets() {
        return ref -> {
            Optional<String> value = ConfigProvider.getConfig().getOptionalValue("strata.ingest.secrets." + ref,
                    String.class);
            if (value.isPresent()) {
                return value;
            }
            return Optional.ofNullable(System.getenv("STRATA_INGEST_SECRETS_"
                    + ref.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        };
    }

    /** Where s3 and upload sources may read; a configured location that is not usable stops the service. */
    @Produces
    @Singleton
    SourceLocations sourceLocations(IngestConfig config) {
        return new SourceLocations(config.lakeBucket(), config.internalBuckets(), config.externalLocations());
    }

    @Produces
    @Singleton
    Loader loader(IngestConfig config, MinioClient s3, NamespaceRoles roles, SourceLocations locations) {
        LoadSettings settings = new LoadSettings(config.lakeBucket(), config.targetSchema(),
                Path.of(config.spoolDir().orElse(System.getProperty("java.io.tmpdir")), "strata-ingest"),
                config.sampleRows(), config.maxLineLength(), config.maxQuarantineRows(), config.timeout(),
                new TextInput.Limits(config.maxDecompressedBytes(), config.maxDecompressionRatio()));
        SourceFetcher fetcher = new SourceFetcher(s3, new ConnectionResolver(config.allowedHosts().orElse(List.of()),
                connectionClient(config), configSecrets()), config.maxBytes(), config.timeout());
        return new Loader(settings, new NamespaceWarehouse(roles), s3, fetcher, locations);
    }

    /** The auth service as ingest's service account, when one is configured. */
    static Optional<ConnectionClient> connectionClient(IngestConfig config) {
        IngestConfig.ServiceAccount sa = config.serviceAccount();
        if (sa.clientId().isEmpty()) {
            return Optional.empty();
        }
        String auth = ConfigProvider.getConfig().getOptionalValue("strata.services.auth.url", String.class)
                .or(() -> ConfigProvider.getConfig().getOptionalValue("strata.auth.issuer", String.class))
                .orElseThrow(() -> new IllegalStateException("strata.ingest.service-account.client-id is set but "
                        + "strata.services.auth.url is not"));
        String secret = sa.clientSecret().orElseThrow(() -> new IllegalStateException("strata.ingest.service-account"
                + ".client-id is set but its client-secret is not (STRATA_INGEST_SERVICE_ACCOUNT_CLIENT_SECRET)"));
        URI base = URI.create(auth);
        return Optional.of(new ConnectionClient(base, new ServiceAccountToken(URI.create(auth.replaceAll("/+$", "")
                + "/oauth2/token"), sa.clientId().get(), secret, ConnectionResolver.timeout()),
                ConnectionResolver.timeout()));
    }

    void close(@Disposes Loader loader) {
        loader.close();
    }
}
