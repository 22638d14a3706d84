package dev.strata.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The few calls of Keycloak's admin REST API that a test needs to set up an issuer: a realm, realm roles, a
 * confidential client and users with roles, and a user's access token. Credentials and tokens never appear in an
 * exception message.
 */
public final class KeycloakAdmin {

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String url;
    private final String adminUsername;
    private final String adminPassword;

    KeycloakAdmin(String url, String adminUsername, String adminPassword) {
        this.url = url;
        this.adminUsername = adminUsername;
        this.adminPassword = adminPassword;
    }

    public void createRealm(String realm) {
        admin("POST", "/admin/realms", json(Map.of("realm", realm, "enabled", true)), "create realm " + realm);
    }

    public void createRealmRole(String realm, String role) {
        admin("POST", realmPath(realm) + "/roles", json(Map.of("name", role)), "create role " + role);
    }

    /**
     * A confidential client with the given secret that may use the password grant (direct access grants) and
     * client_credentials (a service account). When {@code audience} is set, its access tokens carry it in {@code aud}.
     */
    public void createClient(String realm, String clientId, String secret, String audience) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", clientId);
        client.put("enabled", true);
        client.put("protocol", "openid-connect");
        client.put("publicClient", false);
        client.put("clientAuthenticatorType", "client-secret");
        client.put("secret", secret);
        client.put("standardFlowEnabled", false);
        client.put("directAccessGrantsEnabled", true);
        client.put("serviceAccountsEnabled", true);
        if (audience != null) {
            client.put("protocolMappers", List.of(Map.of(
                    "name", "audience-" + audience,
                    "protocol", "openid-connect",
                    "protocolMapper", "oidc-audience-mapper",
                    "config", Map.of("included.custom.audience", audience, "access.token.claim", "true",
                            "id.token.claim", "false"))));
        }
        admin("POST", realmPath(realm) + "/clients", json(client), "create client " + clientId);
    }

    /** A user who can log in with {@code password} at once, holding the given (existing) realm roles. */
    public void createUser(String realm, String username, String password, List<String> realmRoles) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        // a complete profile: otherwise Keycloak asks the user to finish it before the first token
        user.put("email", username + "@example.test");
        user.put("emailVerified", true);
        user.put("firstName", username);
        user.put("lastName", "Test");
        user.put("credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
        HttpResponse<String> created = admin("POST", realmPath(realm) + "/users", json(user), "create user "
                + username);
        String location = created.headers().firstValue("Location").orElseThrow(
                () -> new DevStackException("Keycloak created user " + username + " without a Location header"));
        if (realmRoles.isEmpty()) {
            return;
        }
        String userPath = realmPath(realm) + "/users/" + location.substring(location.lastIndexOf('/') + 1);
        List<String> roles = new ArrayList<>();
        for (String role : realmRoles) {
            roles.add(admin("GET", realmPath(realm) + "/roles/" + segment(role), null, "read role " + role).body());
        }
        admin("POST", userPath + "/role-mappings/realm", "[" + String.join(",", roles) + "]",
                "give roles " + realmRoles + " to user " + username);
    }

    /** An access token of a user of {@code realm}, from the password grant of a confidential client. */
    public String userToken(String realm, String clientId, String clientSecret, String username, String password) {
        return token(realm, Map.of("grant_type", "password", "client_id", clientId, "client_secret", clientSecret,
                "username", username, "password", password),
                "issue a token to user " + username + " of realm " + realm);
    }

    private String adminToken() {
        return token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", adminUsername,
                "password", adminPassword), "issue an admin token");
    }

    private String token(String realm, Map<String, String> form, String what) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/realms/" + segment(realm)
                + "/protocol/openid-connect/token"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = send(request, what);
        Matcher token = ACCESS_TOKEN.matcher(response.body());
        if (!token.find()) {
            throw new DevStackException("Keycloak answered without an access token when asked to " + what);
        }
        return token.group(1);
    }

    private HttpResponse<String> admin(String method, String path, String json, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + adminToken())
                .header("Accept", "application/json");
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build(), what);
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DevStackException("Keycloak at " + url + " could not be reached to " + what + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevStackException("interrupted while asking Keycloak to " + what);
        }
        if (response.statusCode() / 100 != 2) {
            // Keycloak's error bodies name the problem ({"error":"invalid_grant",...}), never a credential
            throw new DevStackException("Keycloak refused to " + what + ": HTTP " + response.statusCode() + " "
                    + abbreviate(response.body()));
        }
        return response;
    }

    private static String realmPath(String realm) {
        return "/admin/realms/" + segment(realm);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** JSON for maps, lists, strings, booleans and numbers: all this class sends. */
    static String json(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> json(String.valueOf(e.getKey())) + ":" + json(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(KeycloakAdmin::json).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Boolean || value instanceof Number) {
            return value.toString();
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : String.valueOf(value).toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
