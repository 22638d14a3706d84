package dev.strata.auth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.strata.auth.token.OpaqueTokens;

/** What an admin of every namespace sets up for a test, through the API. */
public final class Admin {

    private static volatile String token;

    private Admin() {
    }

    public static String password() {
        return UsedSecrets.add(ConfigProvider.getConfig().getValue(AuthTestStack.ADMIN_PASSWORD_KEY, String.class));
    }

    /** An access token of the bootstrap admin (signed in once per run; it lives 10 minutes). */
    public static String token() {
        if (token == null) {
            token = Oidc.login(AuthTestStack.ADMIN, password()).accessToken();
        }
        return token;
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    public static String newPassword() {
        return UsedSecrets.add("pw-" + OpaqueTokens.random());
    }

    public static UUID createUser(String username, String password) {
        Response response = Oidc.bearer(token()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", username + "@example.com", "password", password))
                .post("/api/v1/users");
        assertEquals(201, response.statusCode(), response::asString);
        return UUID.fromString(response.jsonPath().getString("id"));
    }

    public static void createNamespace(String name) {
        Response response = Oidc.bearer(token()).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/v1/namespaces");
        assertEquals(201, response.statusCode(), response::asString);
    }

    public static String bind(String kind, String principal, String namespace, String role) {
        Response response = Oidc.bearer(token()).contentType(ContentType.JSON)
                .body(Map.of("principalKind", kind, "principal", principal, "namespace", namespace, "role", role))
                .post("/api/v1/role-bindings");
        assertEquals(201, response.statusCode(), response::asString);
        return response.jsonPath().getString("id");
    }

    /** A new service account with a role in a namespace, signed in with client credentials; answers its token. */
    public static String serviceAccountToken(String name, String namespace, String role) {
        Response created = Oidc.bearer(token()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "bindings", List.of(Map.of("namespace", namespace, "role", role))))
                .post("/api/v1/service-accounts");
        assertEquals(201, created.statusCode(), created::asString);
        Response token = Oidc.form().formParam("grant_type", "client_credentials")
                .formParam("client_id", created.jsonPath().getString("clientId"))
                .formParam("client_secret", UsedSecrets.add(created.jsonPath().getString("clientSecret")))
                .post("/oauth2/token");
        assertEquals(200, token.statusCode(), token::asString);
        return UsedSecrets.add(token.jsonPath().getString("access_token"));
    }

    /** A new user with a role in a namespace (created if needed), signed in; answers its tokens. */
    public static Oidc.Tokens userWithRole(String username, String password, String namespace, String role) {
        createUser(username, password);
        bind("user", username, namespace, role);
        return Oidc.login(username, password);
    }
}
