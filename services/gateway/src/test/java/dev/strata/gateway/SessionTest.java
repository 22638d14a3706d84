package dev.strata.gateway;

import static dev.strata.gateway.support.Gateway.configured;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.gateway.support.Browser;
import dev.strata.gateway.support.Gateway;
import dev.strata.gateway.support.StubIssuer;
import dev.strata.gateway.support.TestUpstreams;

/**
 * Browser sessions: the OIDC code flow with PKCE against the (stub) issuer, the session cookie, its access token
 * forwarded to the services, and CSRF protection of cookie-authenticated writes.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
class SessionTest {

    private static final String CSRF_COOKIE = "strata-csrf";

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void aBrowserWithoutSessionIsSentToTheIssuerWithPkce() {
        HttpResponse<String> answer = new Browser().get(gateway.resolve("/ui/datasets"));
        assertEquals(302, answer.statusCode());
        String location = answer.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(configured("strata.auth.issuer") + "/oauth2/authorize?"), location);
        Map<String, String> query = query(URI.create(location));
        assertEquals("code", query.get("response_type"));
        assertEquals("gateway", query.get("client_id"));
        assertEquals("S256", query.get("code_challenge_method"));
        assertTrue(query.get("code_challenge").matches("[A-Za-z0-9_-]{43}"), query.get("code_challenge"));
        assertEquals(gateway.resolve("/login/callback").toString(), query.get("redirect_uri"));
        assertNotNull(query.get("state"));
    }

    @Test
    void afterSigningInTheSessionsAccessTokenGoesToTheServices() {
        Browser browser = signIn("/ui/datasets");

        String session = browser.setCookieLine("q_session").toLowerCase(Locale.ROOT);
        assertTrue(session.contains("httponly"), session);
        assertTrue(session.contains("samesite=lax"), session);

        HttpResponse<String> page = browser.get(gateway.resolve("/ui/datasets"));
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<div id=\"root\">"), "the web UI's page: " + page.body());
        assertNotNull(browser.cookie(CSRF_COOKIE), "the UI page should come with the CSRF cookie");

        HttpResponse<String> api = browser.get(gateway.resolve("/api/registry/v1/datasets"));
        assertEquals(200, api.statusCode(), api.body());
        JsonObject headers = new JsonObject(api.body()).getJsonObject("headers");
        String authorization = headers.getString("authorization");
        assertTrue(authorization != null && authorization.startsWith("Bearer "), String.valueOf(authorization));
        assertEquals(StubIssuer.USER, subject(authorization.substring("Bearer ".length())));
        String forwardedCookies = headers.getString("cookie", "");
        assertFalse(forwardedCookies.contains("q_session") || forwardedCookies.contains(CSRF_COOKIE),
                "the gateway's cookies stay at the gateway: " + forwardedCookies);
    }

    @Test
    void cookieAuthenticatedWritesNeedTheCsrfTokenOrTheGatewaysOrigin() {
        Browser browser = signIn("/ui/");
        browser.get(gateway.resolve("/ui/"));
        String csrf = browser.cookie(CSRF_COOKIE);
        assertNotNull(csrf);
        URI datasets = gateway.resolve("/api/registry/v1/datasets");

        HttpResponse<String> refused = browser.send(post(datasets));
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(new JsonObject(refused.body()).getString("detail").contains("X-CSRF-Token"), refused.body());

        assertEquals(403, browser.send(post(datasets).header("X-CSRF-Token", "guessed")).statusCode());
        assertEquals(403, browser.send(post(datasets).header("Origin", "https://evil.example")).statusCode());

        HttpResponse<String> withToken = browser.send(post(datasets).header("X-CSRF-Token", csrf));
        assertEquals(200, withToken.statusCode(), withToken.body());
        assertEquals("POST", new JsonObject(withToken.body()).getString("method"));

        String origin = gateway.getScheme() + "://" + gateway.getHost() + ":" + gateway.getPort();
        assertEquals(200, browser.send(post(datasets).header("Origin", origin)).statusCode());

        // a bearer token is not sent by a browser on its own: exempt, and forwarded as it is
        String bearer = Gateway.unsignedJwt("script");
        HttpResponse<String> withBearer = browser.send(post(datasets).header("Authorization", "Bearer " + bearer));
        assertEquals(200, withBearer.statusCode(), withBearer.body());
        assertEquals("Bearer " + bearer,
                new JsonObject(withBearer.body()).getJsonObject("headers").getString("authorization"));
    }

    @Test
    void aCookieAuthenticatedPostWithoutTheTokenIsRefusedEvenBeforeTheSessionIsChecked() {
        HttpResponse<String> refused = Gateway.send(post(gateway.resolve("/api/ingest/v1/loads"))
                .header("Cookie", "q_session=whatever").build());
        assertEquals(403, refused.statusCode(), refused.body());
    }

    @Test
    void aSessionThatDoesNotExistIs401OnTheApi() {
        HttpResponse<String> answer = Gateway.send(HttpRequest.newBuilder(gateway.resolve("/api/registry/v1/datasets"))
                .header("Cookie", "q_session=forged-session-reference").build());
        assertEquals(401, answer.statusCode(), answer.body());
        assertTrue(new JsonObject(answer.body()).getString("detail").contains("/login"), answer.body());
    }

    private Browser signIn(String page) {
        return Browser.signIn(gateway, page);
    }

    private static HttpRequest.Builder post(URI uri) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"sales\"}"));
    }

    private static String subject(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return new JsonObject(payload).getString("sub");
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}
