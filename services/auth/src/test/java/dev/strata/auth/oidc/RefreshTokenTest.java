package dev.strata.auth.oidc;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Jwts;
import dev.strata.auth.testing.Oidc;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class RefreshTokenTest {

    @Test
    void aRefreshRotatesTheRefreshToken() {
        Oidc.Tokens first = signIn(Oidc.CLI, Oidc.CLI_REDIRECT);
        Response response = Oidc.refresh(Oidc.CLI, first.refreshToken());
        response.then().statusCode(200).body("token_type", equalTo("Bearer"));
        Oidc.Tokens second = Oidc.tokens(response);
        assertNotEquals(first.refreshToken(), second.refreshToken());
        assertNotEquals(first.accessToken(), second.accessToken());
        assertEquals(Jwts.payload(first.accessToken()).getString("sid"),
                Jwts.payload(second.accessToken()).getString("sid"), "one sign-in, one session");
        Oidc.bearer(second.accessToken()).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void reusingAnOldRefreshTokenRevokesTheWholeFamily() {
        Oidc.Tokens first = signIn(Oidc.CLI, Oidc.CLI_REDIRECT);
        Oidc.Tokens second = Oidc.tokens(Oidc.refresh(Oidc.CLI, first.refreshToken()).then().statusCode(200)
                .extract().response());
        Oidc.Tokens third = Oidc.tokens(Oidc.refresh(Oidc.CLI, second.refreshToken()).then().statusCode(200)
                .extract().response());

        // someone replays the first one: refused...
        Oidc.refresh(Oidc.CLI, first.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", containsString("already used"));
        // ...and the newest token of the family, held by the legitimate client, stops working too
        Oidc.refresh(Oidc.CLI, third.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", containsString("revoked"));
    }

    @Test
    void aRefreshTokenOnlyWorksForItsClient() {
        Oidc.Tokens tokens = signIn(Oidc.CLI, Oidc.CLI_REDIRECT);
        Oidc.refresh(Oidc.UI, tokens.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
        Oidc.refresh("no-such-client", tokens.refreshToken()).then().statusCode(401)
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void revocationEndsTheSession() {
        Oidc.Tokens tokens = signIn(Oidc.CLI, Oidc.CLI_REDIRECT);
        Oidc.form().formParam("token", tokens.refreshToken()).formParam("token_type_hint", "refresh_token")
                .formParam("client_id", Oidc.CLI).post("/oauth2/revoke").then().statusCode(200);
        Oidc.refresh(Oidc.CLI, tokens.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
        // unknown tokens are accepted silently (RFC 7009)
        Oidc.form().formParam("token", "not-a-token").post("/oauth2/revoke").then().statusCode(200);
    }

    @Test
    void logoutRevokesTheSessionAndOnlyRedirectsToARegisteredUri() {
        Oidc.Tokens tokens = signIn(Oidc.UI, Oidc.UI_REDIRECT);

        Response evil = Oidc.form().formParam("id_token_hint", tokens.idToken())
                .formParam("post_logout_redirect_uri", "https://evil.example/").post("/oauth2/logout");
        evil.then().statusCode(400).body(containsString("not registered"));
        assertNull(evil.header("Location"));
        // nothing was revoked by the refused request
        Oidc.Tokens still = Oidc.tokens(Oidc.refresh(Oidc.UI, tokens.refreshToken()).then().statusCode(200)
                .extract().response());

        Response out = Oidc.form().formParam("id_token_hint", tokens.idToken())
                .formParam("post_logout_redirect_uri", "http://127.0.0.1:8080/").formParam("state", "bye")
                .post("/oauth2/logout");
        out.then().statusCode(302).header("Location", "http://127.0.0.1:8080/?state=bye");
        Oidc.refresh(Oidc.UI, still.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    private static Oidc.Tokens signIn(String client, String redirect) {
        String username = Admin.unique("rita");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        return Oidc.login(client, redirect, username, password);
    }
}
