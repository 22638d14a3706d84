package dev.strata.auth.secret;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;
import dev.strata.auth.token.OpaqueTokens;

/**
 * Per-namespace secrets, connections and allowed hosts through the API: the value is write-only, sealed at rest,
 * answered only to a resolver service account, and every namespace wall holds.
 */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class SecretsApiTest {

    @Inject
    AgroalDataSource db;

    @Test
    void aSecretIsWriteOnlySealedAtRestAndResolvedOnlyByAWorker() throws Exception {
        String ns = Admin.unique("sales-team");
        String other = Admin.unique("other-team");
        Admin.createNamespace(ns);
        Admin.createNamespace(other);
        String engineer = Admin.userWithRole(Admin.unique("eng"), Admin.newPassword(), ns, "engineer").accessToken();
        String viewer = Admin.userWithRole(Admin.unique("viewer"), Admin.newPassword(), ns, "viewer").accessToken();
        String outsider = Admin.userWithRole(Admin.unique("out"), Admin.newPassword(), other, "admin").accessToken();
        String value = UsedSecrets.add("s3cr3t-" + OpaqueTokens.random());

        Response created = Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("value", value))
                .put("/api/v1/namespaces/" + ns + "/secrets/api-token");
        assertEquals(201, created.statusCode(), created::asString);
        assertFalse(created.asString().contains(value));
        created.then().body("name", equalTo("api-token")).body("createdBy", equalTo(engineer(engineer)));
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("value", value))
                .put("/api/v1/namespaces/" + ns + "/secrets/api-token").then().statusCode(200);

        // viewers list names, never values; they cannot write
        Response listed = Oidc.bearer(viewer).get("/api/v1/namespaces/" + ns + "/secrets");
        listed.then().statusCode(200).body("name", hasItem("api-token"));
        assertFalse(listed.asString().contains(value));
        Oidc.bearer(viewer).contentType(ContentType.JSON).body(Map.of("value", "x"))
                .put("/api/v1/namespaces/" + ns + "/secrets/other").then().statusCode(403);

        // another namespace's admin sees nothing of it
        Oidc.bearer(outsider).get("/api/v1/namespaces/" + ns + "/secrets").then().statusCode(404);
        Oidc.bearer(outsider).get("/api/v1/namespaces/" + ns + "/secrets/api-token").then().statusCode(404);
        Oidc.bearer(outsider).delete("/api/v1/namespaces/" + ns + "/secrets/api-token").then().statusCode(404);
        Oidc.bearer(outsider).post("/api/v1/internal/namespaces/" + ns + "/secrets/api-token/resolve").then()
                .statusCode(403);

        // bad input names the field
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("value", value, "comment", "x"))
                .put("/api/v1/namespaces/" + ns + "/secrets/api-token").then().statusCode(400)
                .body("detail", containsString("comment"));
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("value", "x"))
                .put("/api/v1/namespaces/" + ns + "/secrets/Bad Name!").then().statusCode(400)
                .body("detail", containsString("name"));
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("value", "x".repeat(20_000)))
                .put("/api/v1/namespaces/" + ns + "/secrets/big").then().statusCode(400)
                .body("detail", containsString("value"));

        // a user token cannot resolve, even an admin's of every namespace; the worker's account can
        Oidc.bearer(engineer).post("/api/v1/internal/namespaces/" + ns + "/secrets/api-token/resolve").then()
                .statusCode(403);
        Oidc.bearer(Admin.token()).post("/api/v1/internal/namespaces/" + ns + "/secrets/api-token/resolve").then()
                .statusCode(403);
        Oidc.bearer(worker()).queryParam("purpose", "test")
                .post("/api/v1/internal/namespaces/" + ns + "/secrets/api-token/resolve").then().statusCode(200)
                .body("value", equalTo(value));

        // audited, without the value
        Response audit = Oidc.bearer(Admin.token()).queryParam("namespace", ns).get("/api/v1/audit-events");
        audit.then().statusCode(200).body("action", hasItem("secret.created")).body("action",
                hasItem("secret.updated")).body("action", hasItem("secret.resolved"));
        assertFalse(audit.asString().contains(value));

        // nowhere in the auth schema in clear text (nor base64)
        List<String> found = scanSchema(value);
        assertTrue(found.isEmpty(), "the value is in clear text in " + found);
    }

    @Test
    void connectionsAreTypedStrictAndResolvedWithTheirSecrets() {
        String ns = Admin.unique("conn-team");
        String other = Admin.unique("conn-other");
        Admin.createNamespace(ns);
        Admin.createNamespace(other);
        String engineer = Admin.userWithRole(Admin.unique("eng"), Admin.newPassword(), ns, "engineer").accessToken();
        String outsider = Admin.userWithRole(Admin.unique("out"), Admin.newPassword(), other, "engineer")
                .accessToken();
        String password = UsedSecrets.add("pw-" + OpaqueTokens.random());
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("value", password))
                .put("/api/v1/namespaces/" + ns + "/secrets/db-password").then().statusCode(201);

        // a field of another kind, a missing field, a secret the namespace lacks, a URL with a password
        Oidc.bearer(engineer).contentType(ContentType.JSON)
                .body(Map.of("kind", "jdbc", "url", "jdbc:postgresql://db.example.com/shop", "user", "reader",
                        "bucket", "x"))
                .put("/api/v1/namespaces/" + ns + "/connections/shop").then().statusCode(400)
                .body("detail", containsString("'bucket' is not a field of a jdbc connection"));
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("kind", "webhook"))
                .put("/api/v1/namespaces/" + ns + "/connections/hook").then().statusCode(400)
                .body("detail", containsString("'url' is required"));
        Oidc.bearer(engineer).contentType(ContentType.JSON)
                .body(Map.of("kind", "jdbc", "url", "jdbc:postgresql://db.example.com/shop", "user", "reader",
                        "passwordSecret", "nope"))
                .put("/api/v1/namespaces/" + ns + "/connections/shop").then().statusCode(400)
                .body("detail", containsString("'passwordSecret' names secret 'nope'"));
        Oidc.bearer(engineer).contentType(ContentType.JSON)
                .body(Map.of("kind", "jdbc", "url", "jdbc:postgresql://db.example.com/shop?password=x", "user", "r"))
                .put("/api/v1/namespaces/" + ns + "/connections/shop").then().statusCode(400)
                .body("detail", containsString("password"));
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("kind", "ftp"))
                .put("/api/v1/namespaces/" + ns + "/connections/shop").then().statusCode(400)
                .body("detail", containsString("kind"));
        Oidc.bearer(engineer).contentType(ContentType.JSON)
                .body(Map.of("kind", "http", "baseUrl", "https://api.example.com", "headerName", "Host",
                        "headerSecret", "db-password"))
                .put("/api/v1/namespaces/" + ns + "/connections/api").then().statusCode(400)
                .body("detail", containsString("headerName"));

        Response saved = Oidc.bearer(engineer).contentType(ContentType.JSON)
                .body(Map.of("kind", "jdbc", "url", "jdbc:postgresql://db.example.com:5432/shop", "user", "reader",
                        "passwordSecret", "db-password"))
                .put("/api/v1/namespaces/" + ns + "/connections/shop");
        assertEquals(201, saved.statusCode(), saved::asString);
        saved.then().body("kind", equalTo("jdbc")).body("settings.passwordSecret", equalTo("db-password"));
        assertFalse(saved.asString().contains(password));

        // a secret a connection uses cannot be deleted from under it
        Oidc.bearer(engineer).delete("/api/v1/namespaces/" + ns + "/secrets/db-password").then().statusCode(409)
                .body("detail", containsString("shop"));

        // other namespaces: nothing
        Oidc.bearer(outsider).get("/api/v1/namespaces/" + ns + "/connections").then().statusCode(404);
        Oidc.bearer(outsider).get("/api/v1/namespaces/" + ns + "/connections/shop").then().statusCode(404);
        Oidc.bearer(outsider).post("/api/v1/internal/namespaces/" + ns + "/connections/shop/resolve").then()
                .statusCode(403);
        Oidc.bearer(engineer).post("/api/v1/internal/namespaces/" + ns + "/connections/shop/resolve").then()
                .statusCode(403);

        // allowed hosts: admins only, each entry checked
        Oidc.bearer(engineer).contentType(ContentType.JSON).body(Map.of("hosts", List.of("10.0.0.0/8")))
                .put("/api/v1/namespaces/" + ns + "/settings/allowed-hosts").then().statusCode(403);
        Oidc.bearer(Admin.token()).contentType(ContentType.JSON).body(Map.of("hosts", List.of("10.0.0.0/33")))
                .put("/api/v1/namespaces/" + ns + "/settings/allowed-hosts").then().statusCode(400)
                .body("detail", containsString("hosts[0]"));
        Oidc.bearer(Admin.token()).contentType(ContentType.JSON)
                .body(Map.of("hosts", List.of("db.internal", "10.0.0.0/8")))
                .put("/api/v1/namespaces/" + ns + "/settings/allowed-hosts").then().statusCode(200)
                .body("hosts", equalTo(List.of("db.internal", "10.0.0.0/8")));
        Oidc.bearer(outsider).get("/api/v1/namespaces/" + ns + "/settings/allowed-hosts").then().statusCode(404);

        Response resolved = Oidc.bearer(worker()).post("/api/v1/internal/namespaces/" + ns
                + "/connections/shop/resolve");
        resolved.then().statusCode(200).body("settings.user", equalTo("reader"))
                .body("secrets.passwordSecret", equalTo(password))
                .body("allowedHosts", equalTo(List.of("db.internal", "10.0.0.0/8")));
        Oidc.bearer(Admin.token()).queryParam("namespace", ns).get("/api/v1/audit-events").then().statusCode(200)
                .body("action", hasItem("connection.created")).body("action", hasItem("connection.resolved"))
                .body("action", hasItem("settings.allowed_hosts.changed")).body(not(containsString(password)));
    }

    /** An access token of the platform's worker account (a resolver). */
    static String worker() {
        String configured = ConfigProvider.getConfig().getValue(AuthTestStack.PLATFORM_ACCOUNTS_KEY, String.class);
        // the first entry of the list is the platform account (the launcher's scripts account follows)
        String first = configured.split(",")[0];
        String secret = UsedSecrets.add(first.substring(first.indexOf('=') + 1));
        String basic = Base64.getEncoder().encodeToString(("sa-" + AuthTestStack.PLATFORM_ACCOUNT + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
        Response token = Oidc.form().header("Authorization", "Basic " + basic)
                .formParam("grant_type", "client_credentials").post("/oauth2/token");
        assertEquals(200, token.statusCode(), token::asString);
        return UsedSecrets.add(token.jsonPath().getString("access_token"));
    }

    private static String engineer(String token) {
        return dev.strata.auth.testing.Jwts.payload(token).getString("preferred_username");
    }

    /** The tables of the auth schema whose rows, as text, hold the value or its base64. */
    private List<String> scanSchema(String value) throws Exception {
        List<String> found = new ArrayList<>();
        String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        String hex = java.util.HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'auth' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.contains("namespace_secret"), "scanned " + tables);
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM auth.\"" + table + "\" t")) {
                    while (rs.next()) {
                        String row = rs.getString(1);
                        if (row.contains(value) || row.contains(b64) || row.contains(hex)) {
                            found.add(table);
                        }
                    }
                }
            }
        }
        return found;
    }
}
