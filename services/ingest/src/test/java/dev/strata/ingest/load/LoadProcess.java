package dev.strata.ingest.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.MinioClient;

import dev.strata.events.LoadSpec;
import dev.strata.ingest.connection.ConnectionResolver;
import dev.strata.ingest.source.SourceFetcher;
import dev.strata.ingest.spec.SourceLocations;
import dev.strata.warehouse.NamespaceRoles;

/**
 * The load path in a JVM of its own, so that a test can kill it with SIGKILL in the middle of a COPY.
 * <p>
 * Arguments: warehouse JDBC URL, warehouse admin user, S3 endpoint, access key, secret key, load id, load spec JSON,
 * spool directory, warehouse admin password, namespace role key. The load runs as the namespace's role, as in the
 * service.
 */
public final class LoadProcess {

    private LoadProcess() {
    }

    public static void main(String[] args) throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(args[2]).region("us-east-1").credentials(args[3], args[4])
                .build();
        LoadSpec spec = new ObjectMapper().readValue(args[6], LoadSpec.class);
        SourceFetcher fetcher = new SourceFetcher(s3,
                new ConnectionResolver(List.of("127.0.0.1/32"), Optional.empty(), ref -> Optional.empty()),
                Long.MAX_VALUE, Duration.ofMinutes(10));
        LoadSettings settings = new LoadSettings("strata-lake", "raw", Path.of(args[7]), 1000, 1 << 20, 1000,
                Duration.ofMinutes(10));
        NamespaceRoles roles = new NamespaceRoles(args[0], args[1], args[8], args[9]);
        try (Loader loader = new Loader(settings, new NamespaceWarehouse(roles), s3, fetcher,
                new SourceLocations("strata-lake", List.of("strata-projects"), Map.of()))) {
            LoadResult result = loader.load(UUID.fromString(args[5]), spec);
            System.out.println("LOADED " + result.rows());
        }
    }
}
