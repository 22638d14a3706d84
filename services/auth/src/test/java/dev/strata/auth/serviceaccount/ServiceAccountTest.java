package dev.strata.auth.serviceaccount;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Jwts;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;
import dev.strata.auth.token.OpaqueTokens;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class ServiceAccountTest {

    @Inject
    AgroalDataSource db;

    @Test
    void clientCredentialsGiveAServiceAccountTokenWithItsRoles() throws Exception {
        String ns = Admin.unique("etl");
        Admin.createNamespace(ns);
        String name = Admin.unique("loader");
        Response created = Oidc.bearer(Admin.token()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "bindings", List.of(Map.of("namespace", ns, "role", "engineer"))))
                .post("/api/v1/service-accounts");
        created.then().statusCode(201).header("Cache-Control", "no-store")
                .body("clientId", equalTo("sa-" + name)).body("clientSecret", startsWith("strata_sas_"))
                .body("serviceAccount.bindings[0].namespace", equalTo(ns));
        String clientId = created.jsonPath().getString("clientId");
        String secret = UsedSecrets.add(created.jsonPath().getString("clientSecret"));

        // the secret is shown once: the list and the database only know its hash
        Oidc.bearer(Admin.token()).get("/api/v1/service-accounts").then().statusCode(200)
                .body("name", hasItem(name)).body("clientSecret", not(hasItem(secret)));
        assertEquals(OpaqueTokens.hash(secret), secretHashOf(name));

        Response basic = Oidc.form().header("Authorization", basic(clientId, secret))
                .formParam("grant_type", "client_credentials").post("/oauth2/token");
        basic.then().statusCode(200).body("token_type", equalTo("Bearer")).body("refresh_token", nullValue());
        String token = UsedSecrets.add(basic.jsonPath().getString("access_token"));
        JsonPath claims = Jwts.payload(token);
        assertEquals("sa:" + name, claims.getString("sub"));
        assertEquals(Map.of(ns, "engineer"), claims.getMap("strata_ns"));
        assertEquals("strata", claims.getString("aud"));
        Oidc.bearer(token).get("/api/v1/me").then().statusCode(200).body("kind", equalTo("service_account"))
                .body("subject", equalTo("sa:" + name));

        // client_secret_post works too
        Oidc.form().formParam("grant_type", "client_credentials").formParam("client_id", clientId)
                .formParam("client_secret", secret).post("/oauth2/token").then().statusCode(200);
    }

    @Test
    void aPlatformServiceAccountFromTheConfigurationWorksWithEngineerOnEveryNamespace() {
        String configured = ConfigProvider.getConfig().getValue(AuthTestStack.PLATFORM_ACCOUNTS_KEY, String.class);
        String first = configured.split(",")[0];
        String secret = UsedSecrets.add(first.substring(first.indexOf('=') + 1));
        String clientId = "sa-" + AuthTestStack.PLATFORM_ACCOUNT;

        Response token = Oidc.form().header("Authorization", basic(clientId, secret))
                .formParam("grant_type", "client_credentials").post("/oauth2/token");
        token.then().statusCode(200);
        JsonPath claims = Jwts.payload(UsedSecrets.add(token.jsonPath().getString("access_token")));
        assertEquals("sa:" + AuthTestStack.PLATFORM_ACCOUNT, claims.getString("sub"));
        assertEquals(Map.of("*", "engineer"), claims.getMap("strata_ns"));
        Oidc.bearer(Admin.token()).queryParam("action", "service_account.created")
                .get("/api/v1/audit-events").then().statusCode(200)
                .body("target", hasItem("sa:" + AuthTestStack.PLATFORM_ACCOUNT));
        // another secret does not open it
        Oidc.form().header("Authorization", basic(clientId, UsedSecrets.add("strata_sas_" + OpaqueTokens.random())))
                .formParam("grant_type", "client_credentials").post("/oauth2/token").then().statusCode(401);
    }

    @Test
    void aWrongSecretIsRefusedAndAudited() {
        String name = Admin.unique("pusher");
        Response created = Oidc.bearer(Admin.token()).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/v1/service-accounts");
        created.then().statusCode(201);
        UsedSecrets.add(created.jsonPath().getString("clientSecret"));
        String wrong = UsedSecrets.add("strata_sas_" + OpaqueTokens.random());

        Oidc.form().header("Authorization", basic("sa-" + name, wrong)).formParam("grant_type", "client_credentials")
                .post("/oauth2/token").then().statusCode(401).body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("The client id or secret is not correct."));
        Oidc.bearer(Admin.token()).queryParam("action", "login.failed").queryParam("actor", "sa-" + name)
                .get("/api/v1/audit-events").then().statusCode(200).body("details.reason", hasItem("wrong_secret"));
    }

    @Test
    void aRotatedSecretReplacesTheOldOneAtOnce() {
        String name = Admin.unique("mover");
        Response created = Oidc.bearer(Admin.token()).contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/v1/service-accounts");
        String id = created.jsonPath().getString("serviceAccount.id");
        String old = UsedSecrets.add(created.jsonPath().getString("clientSecret"));
        Response rotated = Oidc.bearer(Admin.token()).post("/api/v1/service-accounts/" + id + "/secret");
        rotated.then().statusCode(200);
        String fresh = UsedSecrets.add(rotated.jsonPath().getString("clientSecret"));
        assertNotEquals(old, fresh);

        Oidc.form().header("Authorization", basic("sa-" + name, old)).formParam("grant_type", "client_credentials")
                .post("/oauth2/token").then().statusCode(401);
        Oidc.form().header("Authorization", basic("sa-" + name, fresh)).formParam("grant_type", "client_credentials")
                .post("/oauth2/token").then().statusCode(200);
    }

    private String secretHashOf(String name) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT secret_hash FROM service_account WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "the service account row exists");
                return rs.getString(1);
            }
        }
    }

    private static String basic(String clientId, String secret) {
        return "Basic " + UsedSecrets.add(Base64.getEncoder()
                .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }
}
