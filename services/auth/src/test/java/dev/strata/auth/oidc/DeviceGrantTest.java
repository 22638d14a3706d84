package dev.strata.auth.oidc;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Jwts;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;
import dev.strata.web.db.Db;

/** The OAuth device authorization grant (RFC 8628) as the CLI on a machine without a browser uses it. */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class DeviceGrantTest {

    @Inject
    Db db;

    record Started(String deviceCode, String userCode) {
    }

    @Test
    void discoveryNamesTheDeviceEndpoint() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("device_authorization_endpoint", equalTo(Oidc.ISSUER + "/oauth2/device_authorization"))
                .body("grant_types_supported", hasItem(DeviceCodeGrant.GRANT_TYPE));
    }

    @Test
    void pendingThenSlowDownThenApprovedTokensOnce() {
        String username = Admin.unique("dev");
        String password = Admin.newPassword();
        UUID id = Admin.createUser(username, password);

        Response start = Oidc.form().formParam("client_id", Oidc.CLI).formParam("scope", "openid")
                .post("/oauth2/device_authorization");
        start.then().statusCode(200).header("Cache-Control", "no-store")
                .body("verification_uri", equalTo(Oidc.ISSUER + "/oauth2/device"))
                .body("expires_in", equalTo(600)).body("interval", equalTo(5));
        JsonPath body = start.jsonPath();
        String userCode = body.getString("user_code");
        assertTrue(userCode.matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}"), userCode);
        assertEquals(Oidc.ISSUER + "/oauth2/device?user_code=" + userCode,
                body.getString("verification_uri_complete"));
        String deviceCode = UsedSecrets.add(body.getString("device_code"));

        poll(deviceCode).then().statusCode(400).body("error", equalTo("authorization_pending"));
        // again at once: faster than the interval
        poll(deviceCode).then().statusCode(400).body("error", equalTo("slow_down"));

        // the verification page, pre-filled from the link
        given().queryParam("user_code", userCode).get("/oauth2/device").then().statusCode(200)
                .header("X-Frame-Options", "DENY").body(containsString("value=\"" + userCode + "\""));
        // a wrong password approves nothing
        decide(userCode.toLowerCase().replace("-", " "), username, "wrong-password-123", "approve").then()
                .statusCode(200).body(containsString(AuthorizeResource.BAD_CREDENTIALS));
        assertEquals("pending", status(userCode));

        decide(userCode, username, password, "approve").then().statusCode(200)
                .body(containsString("The device is signed in as " + username));
        Response tokens = poll(deviceCode);
        tokens.then().statusCode(200).body("token_type", equalTo("Bearer")).body("refresh_token", notNullValue())
                .body("id_token", notNullValue());
        String access = Oidc.tokens(tokens).accessToken();
        JsonPath claims = Jwts.payload(access);
        assertEquals(id.toString(), claims.getString("sub"));
        assertEquals(Oidc.CLI, claims.getString("azp"));
        Oidc.bearer(access).get("/api/v1/me").then().statusCode(200).body("username", equalTo(username));
        // its refresh token works on its own
        Oidc.refresh(Oidc.CLI, tokens.jsonPath().getString("refresh_token")).then().statusCode(200);

        // tokens once; the code cannot be approved again either
        poll(deviceCode).then().statusCode(400).body("error", equalTo("invalid_grant"));
        decide(userCode, username, password, "approve").then().statusCode(200)
                .body(containsString("not valid or has expired"));
    }

    @Test
    void deniedAndExpiredCodesAndOtherClients() {
        String username = Admin.unique("dev");
        String password = Admin.newPassword();
        Admin.createUser(username, password);

        Started denied = start();
        decide(denied.userCode(), username, password, "deny").then().statusCode(200)
                .body(containsString("Sign-in denied"));
        poll(denied.deviceCode()).then().statusCode(400).body("error", equalTo("access_denied"));

        Started expired = start();
        db.update("UPDATE device_authorization SET expires_at = now() - interval '1 second' WHERE user_code = ?",
                expired.userCode().replace("-", ""));
        poll(expired.deviceCode()).then().statusCode(400).body("error", equalTo("expired_token"));
        decide(expired.userCode(), username, password, "approve").then().statusCode(200)
                .body(containsString("not valid or has expired"));

        // a device code is bound to its client; unknown codes and clients are refused
        Started other = start();
        Oidc.form().formParam("grant_type", DeviceCodeGrant.GRANT_TYPE).formParam("device_code", other.deviceCode())
                .formParam("client_id", Oidc.UI).post("/oauth2/token").then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        poll("not-a-code").then().statusCode(400).body("error", equalTo("invalid_grant"));
        Oidc.form().formParam("client_id", "nobody").post("/oauth2/device_authorization").then().statusCode(401)
                .body("error", equalTo("invalid_client"));
        Oidc.form().formParam("client_id", Oidc.CLI).formParam("scope", "admin:everything")
                .post("/oauth2/device_authorization").then().statusCode(400).body("error", equalTo("invalid_request"));
        // no device code or user code in the audit log
        String audit = db.list("SELECT details::text FROM audit_log WHERE action LIKE 'device_code.%'",
                rs -> rs.getString(1)).toString();
        assertTrue(audit.contains("strata-cli"), audit);
        given().get("/oauth2/device?user_code=" + other.userCode()).then().body(not(containsString(
                other.deviceCode())));
    }

    private static Started start() {
        JsonPath body = Oidc.form().formParam("client_id", Oidc.CLI).post("/oauth2/device_authorization").then()
                .statusCode(200).extract().jsonPath();
        return new Started(UsedSecrets.add(body.getString("device_code")), body.getString("user_code"));
    }

    private static Response poll(String deviceCode) {
        return Oidc.form().formParam("grant_type", DeviceCodeGrant.GRANT_TYPE).formParam("device_code", deviceCode)
                .formParam("client_id", Oidc.CLI).post("/oauth2/token");
    }

    private static Response decide(String userCode, String username, String password, String action) {
        return given().contentType("application/x-www-form-urlencoded").formParam("user_code", userCode)
                .formParam("username", username).formParam("password", password).formParam("action", action)
                .post("/oauth2/device");
    }

    private String status(String userCode) {
        return db.one("SELECT status FROM device_authorization WHERE user_code = ?", rs -> rs.getString(1),
                userCode.replace("-", "")).orElseThrow();
    }
}
