package dev.strata.auth.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.strata.auth.oidc.Pkce;
import dev.strata.auth.token.OpaqueTokens;

/** The OAuth client side of the tests: what the CLI and the web UI do, with RestAssured. */
public final class Oidc {

    public static final String ISSUER = "http://auth.strata.test";
    public static final String CLI = "strata-cli";
    /** The CLI's loopback redirect: registered without a port, so any port matches. */
    public static final String CLI_REDIRECT = "http://127.0.0.1:53682/callback";
    public static final String UI = "strata-ui";
    public static final String UI_REDIRECT = "http://127.0.0.1:8080/auth/callback";

    /** The tokens of one sign-in. */
    public record Tokens(String accessToken, String refreshToken, String idToken) {
    }

    /** A code and the PKCE verifier it was requested with. */
    public record Code(String code, String verifier) {
    }

    private Oidc() {
    }

    public static String newVerifier() {
        return UsedSecrets.add(OpaqueTokens.random() + OpaqueTokens.random());
    }

    public static Map<String, String> authorizeParams(String client, String redirect, String verifier) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", client);
        params.put("redirect_uri", redirect);
        params.put("scope", "openid profile");
        params.put("state", "st-" + OpaqueTokens.random().substring(0, 8));
        params.put("nonce", "n-" + OpaqueTokens.random().substring(0, 8));
        params.put("code_challenge", Pkce.challengeOf(verifier));
        params.put("code_challenge_method", "S256");
        return params;
    }

    /** GET the sign-in page, then POST the credentials: the browser part of the code flow. */
    public static Response signIn(Map<String, String> params, String username, String password) {
        UsedSecrets.add(password);
        given().redirects().follow(false).queryParams(params).get("/oauth2/authorize").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("<form"));
        return form().formParams(params).formParam("username", username).formParam("password", password)
                .post("/oauth2/authorize");
    }

    /** Signs in with the CLI client and answers the code from the redirect (asserting state and issuer). */
    public static Code authorize(String client, String redirect, String username, String password) {
        String verifier = newVerifier();
        Map<String, String> params = authorizeParams(client, redirect, verifier);
        Response response = signIn(params, username, password);
        assertEquals(302, response.statusCode(), () -> "sign-in should redirect: " + response.asString());
        String location = response.header("Location");
        assertTrue(location.startsWith(redirect + "?"), location);
        Map<String, String> query = query(location);
        assertEquals(params.get("state"), query.get("state"));
        assertEquals(ISSUER, query.get("iss"));
        return new Code(UsedSecrets.add(query.get("code")), verifier);
    }

    public static Response exchange(String client, String redirect, String code, String verifier) {
        return form().formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("client_id", client).formParam("redirect_uri", redirect)
                .formParam("code_verifier", verifier).post("/oauth2/token");
    }

    public static Tokens login(String username, String password) {
        return login(CLI, CLI_REDIRECT, username, password);
    }

    public static Tokens login(String client, String redirect, String username, String password) {
        Code code = authorize(client, redirect, username, password);
        Response response = exchange(client, redirect, code.code(), code.verifier());
        assertEquals(200, response.statusCode(), () -> "code exchange failed: " + response.asString());
        return tokens(response);
    }

    public static Response refresh(String client, String refreshToken) {
        return form().formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken)
                .formParam("client_id", client).post("/oauth2/token");
    }

    public static Tokens tokens(Response response) {
        return new Tokens(UsedSecrets.add(response.jsonPath().getString("access_token")),
                UsedSecrets.add(response.jsonPath().getString("refresh_token")),
                UsedSecrets.add(response.jsonPath().getString("id_token")));
    }

    public static RequestSpecification form() {
        return given().redirects().follow(false).contentType(ContentType.URLENC);
    }

    public static RequestSpecification bearer(String accessToken) {
        return given().redirects().follow(false).header("Authorization", "Bearer " + accessToken);
    }

    public static Map<String, String> query(String location) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = URI.create(location).getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }
}
