package dev.strata.auth.oidc;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An OAuth client of the code flow (PKCE protects its codes): the gateway's browser sessions, the web UI, the CLI,
 * with the redirect URIs it may use. Public unless a secret is configured; a confidential client must then send it.
 */
public record PublicClient(String id, List<String> redirectUris, List<String> postLogoutRedirectUris,
        Optional<String> secret) {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "[::1]", "localhost");

    public PublicClient {
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
    }

    public PublicClient(String id, List<String> redirectUris, List<String> postLogoutRedirectUris) {
        this(id, redirectUris, postLogoutRedirectUris, Optional.empty());
    }

    /** A public client accepts any request naming it; a confidential one only its secret (constant-time check). */
    boolean acceptsSecret(String presented) {
        if (secret.isEmpty()) {
            return true;
        }
        return presented != null && MessageDigest.isEqual(secret.get().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether the client may be sent to this URI: an exact match, or for a registered loopback URI without a port
     * ({@code http://127.0.0.1/callback}) the same URI on any port (RFC 8252 section 7.3).
     */
    public boolean allowsRedirect(String uri) {
        return uri != null && redirectUris.stream().anyMatch(registered -> matches(registered, uri));
    }

    /** Same rule as {@link #allowsRedirect(String)}, against the registered post-logout URIs. */
    public boolean allowsPostLogoutRedirect(String uri) {
        return uri != null && postLogoutRedirectUris.stream().anyMatch(registered -> matches(registered, uri));
    }

    static boolean matches(String registered, String requested) {
        if (registered.equals(requested)) {
            return true;
        }
        try {
            URI reg = new URI(registered);
            URI req = new URI(requested);
            if (!"http".equals(reg.getScheme()) || !LOOPBACK.contains(reg.getHost()) || reg.getPort() != -1) {
                return false;
            }
            return "http".equals(req.getScheme()) && reg.getHost().equals(req.getHost()) && req.getPort() > 0
                    && req.getRawUserInfo() == null && req.getRawFragment() == null
                    && Objects.equals(reg.getRawPath(), req.getRawPath())
                    && Objects.equals(reg.getRawQuery(), req.getRawQuery());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "PublicClient[id=" + id + ", confidential=" + secret.isPresent() + "]";
    }
}
