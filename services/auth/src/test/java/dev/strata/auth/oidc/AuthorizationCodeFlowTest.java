package dev.strata.auth.oidc;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

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

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class AuthorizationCodeFlowTest {

    @Test
    void discoveryDocumentNamesTheIssuerAndItsEndpoints() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("issuer", equalTo(Oidc.ISSUER))
                .body("authorization_endpoint", equalTo(Oidc.ISSUER + "/oauth2/authorize"))
                .body("token_endpoint", equalTo(Oidc.ISSUER + "/oauth2/token"))
                .body("jwks_uri", equalTo(Oidc.ISSUER + "/oauth2/jwks"))
                .body("end_session_endpoint", equalTo(Oidc.ISSUER + "/oauth2/logout"))
                .body("code_challenge_methods_supported", equalTo(List.of("S256")))
                .body("grant_types_supported", hasItems("authorization_code", "refresh_token", "client_credentials",
                        "urn:ietf:params:oauth:grant-type:token-exchange"));
    }

    @Test
    void codeFlowWithPkceIssuesTokensWithTheContractClaims() {
        String ns = Admin.unique("sales");
        Admin.createNamespace(ns);
        String username = Admin.unique("ada");
        String password = Admin.newPassword();
        UUID id = Admin.createUser(username, password);
        Admin.bind("user", username, ns, "engineer");

        Oidc.Code code = Oidc.authorize(Oidc.CLI, Oidc.CLI_REDIRECT, username, password);
        Response response = Oidc.exchange(Oidc.CLI, Oidc.CLI_REDIRECT, code.code(), code.verifier());
        response.then().statusCode(200).header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer")).body("expires_in", equalTo(600))
                .body("refresh_token", notNullValue()).body("id_token", notNullValue());
        Oidc.Tokens tokens = Oidc.tokens(response);

        JsonPath header = Jwts.header(tokens.accessToken());
        assertEquals("RS256", header.getString("alg"));
        List<String> published = given().get("/oauth2/jwks").jsonPath()
                .getList("keys.kid");
        assertTrue(published.contains(header.getString("kid")), "the kid is in the JWKS: " + published);

        JsonPath claims = Jwts.payload(tokens.accessToken());
        assertEquals(Oidc.ISSUER, claims.getString("iss"));
        assertEquals(id.toString(), claims.getString("sub"));
        assertEquals("strata", claims.getString("aud"));
        assertEquals(username, claims.getString("preferred_username"));
        assertEquals(600, claims.getLong("exp") - claims.getLong("iat"));
        assertTrue(claims.getString("jti").length() > 10);
        assertEquals(Map.of(ns, "engineer"), claims.getMap("strata_ns"));
        assertEquals(List.of("viewer", "analyst", "engineer"), claims.getList("groups"));

        JsonPath idToken = Jwts.payload(tokens.idToken());
        assertEquals(Oidc.CLI, idToken.getString("aud"));
        assertTrue(idToken.getString("nonce").startsWith("n-"));

        Oidc.bearer(tokens.accessToken()).get("/oauth2/userinfo").then().statusCode(200)
                .body("sub", equalTo(id.toString())).body("preferred_username", equalTo(username))
                .body("email", equalTo(username + "@example.com")).body("strata_ns." + ns, equalTo("engineer"));
        Oidc.bearer(tokens.accessToken()).get("/api/v1/me").then().statusCode(200)
                .body("username", equalTo(username)).body("groups", hasItem("engineer"));
    }

    @Test
    void aWrongVerifierIsRefusedAndBurnsTheCode() {
        String username = Admin.unique("bob");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        Oidc.Code code = Oidc.authorize(Oidc.CLI, Oidc.CLI_REDIRECT, username, password);

        Oidc.exchange(Oidc.CLI, Oidc.CLI_REDIRECT, code.code(), Oidc.newVerifier()).then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", containsString("PKCE"));
        // a stolen code is worth one guess: even the right verifier is refused now
        Oidc.exchange(Oidc.CLI, Oidc.CLI_REDIRECT, code.code(), code.verifier()).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void aReusedCodeIsRefusedAndRevokesTheTokensItGave() {
        String username = Admin.unique("cy");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        Oidc.Code code = Oidc.authorize(Oidc.CLI, Oidc.CLI_REDIRECT, username, password);
        Response first = Oidc.exchange(Oidc.CLI, Oidc.CLI_REDIRECT, code.code(), code.verifier());
        first.then().statusCode(200);
        Oidc.Tokens tokens = Oidc.tokens(first);

        Oidc.exchange(Oidc.CLI, Oidc.CLI_REDIRECT, code.code(), code.verifier()).then().statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", containsString("already used"));
        Oidc.refresh(Oidc.CLI, tokens.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void aCodeOnlyWorksForItsClientAndRedirectUri() {
        String username = Admin.unique("dee");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        Oidc.Code code = Oidc.authorize(Oidc.CLI, Oidc.CLI_REDIRECT, username, password);
        Oidc.exchange(Oidc.CLI, "http://127.0.0.1:9999/callback", code.code(), code.verifier()).then()
                .statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", containsString("redirect_uri"));
    }

    @Test
    void anUnregisteredRedirectUriIsNeverRedirectedTo() {
        Map<String, String> params = Oidc.authorizeParams(Oidc.CLI, "https://evil.example/callback",
                Oidc.newVerifier());
        Response page = given().redirects().follow(false).queryParams(params)
                .get("/oauth2/authorize");
        page.then().statusCode(400).body(containsString("not registered"));
        assertNull(page.header("Location"));

        params.put("client_id", "no-such-app");
        given().redirects().follow(false).queryParams(params).get("/oauth2/authorize")
                .then().statusCode(400).header("Location", (String) null);
    }

    @Test
    void pkceIsMandatoryAndOnlyS256() {
        Map<String, String> params = Oidc.authorizeParams(Oidc.CLI, Oidc.CLI_REDIRECT, Oidc.newVerifier());
        params.remove("code_challenge");
        Response missing = given().redirects().follow(false).queryParams(params)
                .get("/oauth2/authorize");
        assertEquals(302, missing.statusCode());
        Map<String, String> error = Oidc.query(missing.header("Location"));
        assertEquals("invalid_request", error.get("error"));
        assertEquals(params.get("state"), error.get("state"));

        Map<String, String> plain = Oidc.authorizeParams(Oidc.CLI, Oidc.CLI_REDIRECT, Oidc.newVerifier());
        plain.put("code_challenge_method", "plain");
        Response refused = given().redirects().follow(false).queryParams(plain)
                .get("/oauth2/authorize");
        assertEquals("invalid_request", Oidc.query(refused.header("Location")).get("error"));
    }

    @Test
    void aWrongPasswordShowsTheFormAgainWithoutThePassword() {
        String username = Admin.unique("eve");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        String wrong = Admin.newPassword();
        Response response = Oidc.signIn(Oidc.authorizeParams(Oidc.CLI, Oidc.CLI_REDIRECT, Oidc.newVerifier()),
                username, wrong);
        response.then().statusCode(200).header("Location", (String) null)
                .header("X-Frame-Options", "DENY")
                .body(containsString("The username or password is not correct."))
                .body(containsString("value=\"" + username + "\"")).body(not(containsString(wrong)));
    }
}
