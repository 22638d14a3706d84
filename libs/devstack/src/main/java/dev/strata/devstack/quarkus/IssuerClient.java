package dev.strata.devstack.quarkus;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.restassured.path.json.JsonPath;

import dev.strata.devstack.AuthServer;

/**
 * The client side of the real auth service, for other services' tests: signs the admin in (code flow with PKCE, as
 * the CLI does), creates namespaces and service accounts with role bindings, and fetches their tokens through
 * {@code client_credentials}. Tokens are never logged.
 */
public final class IssuerClient {

    private static final String CLI = "strata-cli";
    private static final String CLI_REDIRECT = "http://127.0.0.1:53682/callback";

    private final String baseUrl;
    private final String adminPassword;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private String adminToken;

    public IssuerClient(AuthServer auth) {
        this(auth.issuer(), auth.adminPassword());
    }

    /**
     * A client of the issuer reached at {@code baseUrl}: the auth service itself, or the gateway, which routes
     * {@code /oauth2/**} and {@code /api/auth/**} to it.
     */
    public IssuerClient(String baseUrl, String adminPassword) {
        this.baseUrl = baseUrl;
        this.adminPassword = adminPassword;
    }

    /** An access token of the bootstrap admin (role admin on every namespace). */
    public synchronized String adminToken() {
        if (adminToken == null) {
            adminToken = signIn(AuthServer.ADMIN_USERNAME, adminPassword);
        }
        return adminToken;
    }

    /**
     * A token of a new service account bound to {@code bindings} (namespace → role); each namespace is created when
     * missing.
     */
    public String tokenFor(Map<String, String> bindings) {
        bindings.keySet().stream().filter(ns -> !"*".equals(ns)).forEach(this::ensureNamespace);
        String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"name\":\"" + name + "\",\"bindings\":[" + bindings.entrySet().stream()
                .map(e -> "{\"namespace\":\"" + e.getKey() + "\",\"role\":\"" + e.getValue() + "\"}")
                .collect(Collectors.joining(",")) + "]}";
        JsonPath created = json(send(post("/api/v1/service-accounts", "application/json", body)
                .header("Authorization", "Bearer " + adminToken())), 201);
        return json(send(post("/oauth2/token", "application/x-www-form-urlencoded", form(Map.of(
                "grant_type", "client_credentials", "client_id", created.getString("clientId"), "client_secret",
                created.getString("clientSecret"))))), 200).getString("access_token");
    }

    private void ensureNamespace(String namespace) {
        HttpResponse<String> response = send(post("/api/v1/namespaces", "application/json",
                "{\"name\":\"" + namespace + "\"}").header("Authorization", "Bearer " + adminToken()));
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new AssertionError("creating namespace " + namespace + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private String signIn(String username, String password) {
        String verifier = random() + random();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", CLI);
        params.put("redirect_uri", CLI_REDIRECT);
        params.put("scope", "openid");
        params.put("state", random().substring(0, 8));
        params.put("code_challenge", challenge(verifier));
        params.put("code_challenge_method", "S256");
        Map<String, String> credentials = new LinkedHashMap<>(params);
        credentials.put("username", username);
        credentials.put("password", password);
        HttpResponse<String> signedIn = send(post("/oauth2/authorize", "application/x-www-form-urlencoded",
                form(credentials)));
        String location = signedIn.headers().firstValue("Location").orElse("");
        if (signedIn.statusCode() != 302 || !location.startsWith(CLI_REDIRECT)) {
            throw new AssertionError("signing in as " + username + " answered " + signedIn.statusCode());
        }
        String code = query(location).get("code");
        return json(send(post("/oauth2/token", "application/x-www-form-urlencoded", form(Map.of("grant_type",
                "authorization_code", "code", code, "client_id", CLI, "redirect_uri", CLI_REDIRECT, "code_verifier",
                verifier)))), 200).getString("access_token");
    }

    private HttpRequest.Builder post(String path, String contentType, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("the auth service did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static JsonPath json(HttpResponse<String> response, int expected) {
        if (response.statusCode() != expected) {
            throw new AssertionError("auth answered " + response.statusCode() + " instead of " + expected + ": "
                    + response.body().replaceAll("\"(access_token|clientSecret|refresh_token)\":\"[^\"]*\"",
                            "\"$1\":\"***\""));
        }
        return JsonPath.from(response.body());
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String location) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = URI.create(location).getRawQuery();
        for (String pair : raw == null ? List.<String>of() : List.of(raw.split("&"))) {
            String[] kv = pair.split("=", 2);
            query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return query;
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
