package dev.strata.auth.apitoken;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Jwts;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class ApiTokenTest {

    private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    @Inject
    AgroalDataSource db;

    @Test
    void anApiTokenIsExchangedForAJwtUntilItIsRevoked() {
        String username = Admin.unique("pat");
        String password = Admin.newPassword();
        UUID userId = Admin.createUser(username, password);
        String session = Oidc.login(username, password).accessToken();

        Response created = create(session, "ci", Instant.now().plus(Duration.ofDays(7)));
        created.then().statusCode(201).header("Cache-Control", "no-store").body("token", startsWith("strata_pat_"));
        String token = UsedSecrets.add(created.jsonPath().getString("token"));
        String id = created.jsonPath().getString("apiToken.id");
        Oidc.bearer(session).get("/api/v1/api-tokens").then().statusCode(200).body("id", hasItem(id))
                .body("prefix", hasItem(token.substring(0, 17))).body(not(containsString(token)));

        Response exchanged = exchange(token);
        exchanged.then().statusCode(200).body("issued_token_type", equalTo(ACCESS_TOKEN_TYPE))
                .body("token_type", equalTo("Bearer")).body("access_token", notNullValue());
        String jwt = UsedSecrets.add(exchanged.jsonPath().getString("access_token"));
        assertEquals(userId.toString(), Jwts.payload(jwt).getString("sub"));
        Oidc.bearer(jwt).get("/api/v1/me").then().statusCode(200).body("username", equalTo(username));
        Oidc.bearer(session).get("/api/v1/api-tokens").then().body("find { it.id == '" + id + "' }.lastUsedAt",
                notNullValue());

        Oidc.bearer(session).delete("/api/v1/api-tokens/" + id).then().statusCode(204);
        exchange(token).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void anExpiredApiTokenIsRefused() throws Exception {
        String username = Admin.unique("old");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        String session = Oidc.login(username, password).accessToken();
        Response created = create(session, "expiring", Instant.now().plus(Duration.ofDays(1)));
        String token = UsedSecrets.add(created.jsonPath().getString("token"));
        exchange(token).then().statusCode(200);

        // a day later, as far as the database is concerned
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            s.setObject(1, UUID.fromString(created.jsonPath().getString("apiToken.id")));
            assertEquals(1, s.executeUpdate());
        }
        exchange(token).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", containsString("expired"));
    }

    @Test
    void anApiTokenNeedsAnExpiryWithinTheMaximum() {
        String session = newUserSession();
        Oidc.bearer(session).contentType(ContentType.JSON).body(Map.of("name", "forever"))
                .post("/api/v1/api-tokens").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("expiresAt"));
        create(session, "too-long", Instant.now().plus(Duration.ofDays(400))).then().statusCode(400)
                .body("detail", containsString("365 days"));
    }

    @Test
    void oauthRevocationAlsoRevokesAnApiToken() {
        String session = newUserSession();
        String token = UsedSecrets.add(create(session, "cli", Instant.now().plus(Duration.ofDays(1))).jsonPath()
                .getString("token"));
        Oidc.form().formParam("token", token).post("/oauth2/revoke").then().statusCode(200);
        exchange(token).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    private static String newUserSession() {
        String username = Admin.unique("tok");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        return Oidc.login(username, password).accessToken();
    }

    private static Response create(String session, String name, Instant expiresAt) {
        return Oidc.bearer(session).contentType(ContentType.JSON)
                .body(Map.of("name", name, "expiresAt", expiresAt.toString())).post("/api/v1/api-tokens");
    }

    private static Response exchange(String token) {
        return Oidc.form().formParam("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .formParam("subject_token", token).formParam("subject_token_type", ACCESS_TOKEN_TYPE)
                .post("/oauth2/token");
    }
}
