package dev.strata.auth.oidc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.auth.config.AuthConfig;

/** The OAuth clients of the code flow, from {@code strata.auth.clients.<id>.*}. */
@ApplicationScoped
public class OAuthClients {

    private final Map<String, PublicClient> clients = new LinkedHashMap<>();

    OAuthClients(AuthConfig config) {
        config.clients().forEach((id, client) -> clients.put(id, new PublicClient(id, client.redirectUris(),
                client.postLogoutRedirectUris().orElse(List.of()), client.secret().filter(s -> !s.isBlank()))));
    }

    /**
     * The client that sent these credentials: a known client id, and its secret when it has one.
     *
     * @throws OAuthException {@code invalid_client} otherwise
     */
    public PublicClient authenticate(ClientCredentials credentials) {
        PublicClient client = find(credentials.clientId())
                .orElseThrow(() -> OAuthException.invalidClient("Unknown client_id."));
        if (!client.acceptsSecret(credentials.secret())) {
            throw OAuthException.invalidClient("The client secret is missing or not correct.");
        }
        return client;
    }

    public Optional<PublicClient> find(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(clients.get(clientId));
    }
}
