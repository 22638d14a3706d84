package dev.strata.auth.connection;

/**
 * The body of {@code PUT .../connections/{name}}: a {@code kind} and that kind's fields (see {@link ConnectionKind});
 * a field of another kind is refused by name. Fields ending in {@code Secret} name a secret of the same namespace,
 * never a value.
 */
public record ConnectionRequest(String kind, String baseUrl, String headerName, String headerSecret, String endpoint,
        String bucket, String region, String accessKey, String secretKeySecret, String url, String user,
        String passwordSecret, String webhookUrlSecret, String signingSecret, String host, Integer port,
        String from) {
}
