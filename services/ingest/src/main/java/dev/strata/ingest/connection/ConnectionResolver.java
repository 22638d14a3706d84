package dev.strata.ingest.connection;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.minio.MinioClient;

import dev.strata.events.LoadSpec;
import dev.strata.ingest.load.LoadException;
import dev.strata.ingest.source.Secrets;
import dev.strata.netguard.AddressGuard;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Urls;
import dev.strata.security.client.ConnectionClient;
import dev.strata.security.client.ResolvedConnection;

/**
 * What a load uses to reach its source: the source as written, or completed by the namespace's connection named in
 * {@code source.connection} (http: base URL + auth header; s3: endpoint, bucket and credentials; jdbc: URL, user and
 * password), and an address guard that admits the operator's allowed hosts ({@code strata.ingest.allowed-hosts}) and
 * the namespace's own ({@code PUT /api/v1/namespaces/{ns}/settings/allowed-hosts} at the auth service). Connections
 * and the namespace's hosts are resolved at the auth service as ingest's service account; without one configured only
 * the operator's settings apply. Values stay in memory for the one load.
 */
public final class ConnectionResolver {

    private static final String ALLOW_LIST_KEY = "strata.ingest.allowed-hosts";

    private final List<String> operatorHosts;
    private final Optional<ConnectionClient> client;
    private final Secrets secrets;

    /**
     * @param client the auth service client as ingest's service account; empty: connections are refused and only the
     *               operator's hosts apply
     */
    public ConnectionResolver(List<String> operatorHosts, Optional<ConnectionClient> client, Secrets secrets) {
        this.operatorHosts = List.copyOf(operatorHosts);
        this.client = client;
        this.secrets = secrets;
        AddressGuard.of(operatorHosts, ALLOW_LIST_KEY);
    }

    /**
     * How the fetch reaches a source. {@code source} has its connection's settings filled in; the credentials are
     * apart from it (a spec may be logged or stored, a {@code Use} never is).
     */
    public record Use(LoadSpec.Source source, AddressGuard guard, String headerName, String headerValue, String user,
            String password, MinioClient s3) {

        @Override
        public String toString() {
            return "Use[" + source.kind() + ", header=" + headerName + ", user=" + user + "]";
        }
    }

    public Use use(String namespace, LoadSpec.Source source) {
        if (source.connection() == null) {
            return plain(namespace, source);
        }
        ConnectionClient auth = client.orElseThrow(() -> LoadException.input("source.connection '"
                + source.connection() + "': connections need ingest's service account "
                + "(strata.ingest.service-account.client-id / client-secret and strata.services.auth.url)"));
        ResolvedConnection connection;
        try {
            connection = auth.connection(namespace, source.connection(), "ingest " + source.kind() + " source");
        } catch (ConnectionClient.ResolveException e) {
            throw e.retryable()
                    ? LoadException.unavailable("source.connection: " + e.getMessage(), null)
                    : LoadException.input("source.connection '" + source.connection() + "': " + e.getMessage());
        }
        if (!connection.kind().equals(source.kind())) {
            throw LoadException.input("source.connection '" + source.connection() + "' is a " + connection.kind()
                    + " connection, the source is " + source.kind());
        }
        AddressGuard guard = guard(connection.allowedHosts());
        return switch (source.kind()) {
            case "http" -> {
                String base = connection.setting("baseUrl").orElseThrow();
                String url = join(base, source.url());
                yield new Use(with(source, url, source.bucket(), source.jdbcUrl()), guard,
                        connection.setting("headerName").orElse(null), connection.secret("headerSecret").orElse(null),
                        null, null, null);
            }
            case "jdbc" -> new Use(with(source, source.url(), source.bucket(), connection.setting("url").orElseThrow()),
                    guard, null, null, connection.setting("user").orElseThrow(),
                    connection.secret("passwordSecret").orElse(""), null);
            case "s3" -> {
                String endpoint = connection.setting("endpoint").orElse("https://s3.amazonaws.com");
                URI uri;
                try {
                    uri = Urls.http(endpoint, "connection endpoint");
                    guard.check(uri);
                } catch (AddressRefusedException e) {
                    throw e.retryable()
                            ? LoadException.unavailable(e.getMessage(), null)
                            : LoadException.input("source.connection '" + source.connection() + "': "
                                    + e.getMessage());
                }
                MinioClient.Builder s3 = MinioClient.builder().endpoint(endpoint).credentials(
                        connection.setting("accessKey").orElseThrow(),
                        connection.secret("secretKeySecret").orElseThrow());
                connection.setting("region").ifPresent(s3::region);
                yield new Use(with(source, source.url(), connection.setting("bucket").orElseThrow(),
                        source.jdbcUrl()), guard, null, null, null, null, s3.build());
            }
            default -> throw LoadException.input("source.connection is for http, s3 and jdbc sources, not "
                    + source.kind());
        };
    }

    private Use plain(String namespace, LoadSpec.Source source) {
        List<String> hosts = List.of();
        if (client.isPresent() && ("http".equals(source.kind()) || "jdbc".equals(source.kind()))) {
            try {
                hosts = client.get().allowedHosts(namespace);
            } catch (ConnectionClient.ResolveException e) {
                if (e.retryable()) {
                    throw LoadException.unavailable("the namespace's allowed hosts: " + e.getMessage(), null);
                }
                // not readable (e.g. the namespace is not known to auth): the operator's list alone
            }
        }
        String user = null;
        String password = null;
        String headerValue = null;
        if (source.credentialsRef() != null) {
            String secret = secrets.resolve(source.credentialsRef());
            if ("jdbc".equals(source.kind())) {
                int colon = secret.indexOf(':');
                user = colon < 0 ? secret : secret.substring(0, colon);
                password = colon < 0 ? "" : secret.substring(colon + 1);
            } else {
                headerValue = secret.contains(" ") ? secret : "Bearer " + secret;
            }
        }
        return new Use(source, guard(hosts), headerValue == null ? null : "Authorization", headerValue, user,
                password, null);
    }

    private AddressGuard guard(List<String> namespaceHosts) {
        List<String> all = new ArrayList<>(operatorHosts);
        try {
            AddressGuard.of(namespaceHosts, "the namespace's allowed hosts");
            all.addAll(namespaceHosts);
        } catch (IllegalArgumentException e) {
            // checked when saved; an entry the guard cannot read is left out
        }
        return AddressGuard.of(all, ALLOW_LIST_KEY + " or the namespace's allowed hosts");
    }

    /** The connection's base URL joined with the source's relative path (which must not leave it). */
    static String join(String base, String path) {
        if (path == null || path.isBlank()) {
            return base;
        }
        if (path.contains("://") || path.startsWith("//")) {
            throw LoadException.input("source.url must be a path relative to the connection's baseUrl when "
                    + "source.connection is set");
        }
        String left = base.endsWith("/") ? base : base + "/";
        String right = path.startsWith("/") ? path.substring(1) : path;
        return left + right;
    }

    private static LoadSpec.Source with(LoadSpec.Source s, String url, String bucket, String jdbcUrl) {
        return new LoadSpec.Source(s.kind(), url, bucket, s.key(), s.prefix(), jdbcUrl, s.table(), s.cursorColumn(),
                s.credentialsRef(), s.connection());
    }

    /** How long a resolve may take. */
    public static Duration timeout() {
        return Duration.ofSeconds(10);
    }
}
