package dev.strata.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * The OAuth code flow with PKCE (S256) on a loopback redirect (RFC 8252): a one-request HTTP server on
 * {@code 127.0.0.1:<any port>/callback} receives the code, which is exchanged at the issuer's token endpoint (through
 * the gateway) by the public client {@code strata-cli}.
 */
final class BrowserLogin {

    static final Duration WAIT = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String url;
    private final PrintWriter out;
    private final Consumer<String> browser;

    BrowserLogin(String url, PrintWriter out, Consumer<String> browser) {
        this.url = url;
        this.out = out;
        this.browser = browser;
    }

    Contexts.Credentials signIn() throws IOException, InterruptedException {
        String verifier = random();
        String state = random();
        CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/callback", exchange -> {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            boolean ok = query.containsKey("code") && state.equals(query.get("state"));
            byte[] page = (ok
                    ? "Signed in to Strata. You can close this tab and return to the terminal."
                    : "Sign-in failed: " + query.getOrDefault("error_description", query.getOrDefault("error",
                            "unexpected answer")))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(ok ? 200 : 400, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
            callback.complete(query);
        });
        server.start();
        try {
            String redirectUri = "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
            String authorize = url + "/oauth2/authorize?" + Api.form(ordered("response_type", "code", "client_id",
                    Api.CLIENT_ID, "redirect_uri", redirectUri, "scope", "openid", "state", state, "code_challenge",
                    challenge(verifier), "code_challenge_method", "S256"));
            out.println("Sign in in your browser; if it does not open, visit:");
            out.println("  " + authorize);
            out.flush();
            if (browser != null) {
                browser.accept(authorize);
            }
            Map<String, String> answer;
            try {
                answer = callback.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new StrataException(ExitCodes.NOT_SIGNED_IN, "no sign-in within " + WAIT.toMinutes()
                        + " minutes; run strata login again (or strata login --device on a machine without a"
                        + " browser)", null);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new StrataException("the sign-in callback failed: " + e.getCause(), e);
            }
            if (!state.equals(answer.get("state"))) {
                throw new StrataException(ExitCodes.NOT_SIGNED_IN, "the sign-in answer did not match this request"
                        + " (state); run strata login again", null);
            }
            if (!answer.containsKey("code")) {
                throw new StrataException(ExitCodes.NOT_SIGNED_IN, "the platform refused the sign-in: "
                        + answer.getOrDefault("error_description", answer.getOrDefault("error", "no code")), null);
            }
            return tokenRequest(url, ordered("grant_type", "authorization_code", "code", answer.get("code"),
                    "redirect_uri", redirectUri, "client_id", Api.CLIENT_ID, "code_verifier", verifier));
        } finally {
            server.stop(0);
        }
    }

    /** POSTs to the token endpoint; 200 → the credentials, else a sentence with exit code 4. */
    static Contexts.Credentials tokenRequest(String url, Map<String, String> form) {
        JsonNode answer = tokenEndpoint(url, form);
        if (!answer.has("access_token")) {
            throw new StrataException(ExitCodes.NOT_SIGNED_IN, "the platform refused the sign-in: "
                    + answer.path("error_description").asText(answer.path("error").asText("no token")), null);
        }
        return Api.tokens(answer);
    }

    /** The token endpoint's JSON answer, whatever its status. */
    static JsonNode tokenEndpoint(String url, Map<String, String> form) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/oauth2/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Api.form(form))).build();
        try {
            HttpResponse<byte[]> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 429) {
                // the gateway limits sign-in attempts per address: a poller waits as RFC 8628 asks for slow_down
                return Api.json().createObjectNode().put("error", "slow_down").put("error_description",
                        "too many sign-in attempts from this address; wait and try again");
            }
            if (response.statusCode() >= 500) {
                throw new StrataException(ExitCodes.UNREACHABLE, "the platform at " + url + " answered HTTP "
                        + response.statusCode() + " to the sign-in; check strata status and try again", null);
            }
            return Api.parse(response.body());
        } catch (IOException e) {
            throw Api.cannotReach(url, e, ", or check the URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException("interrupted", e);
        }
    }

    static Map<String, String> ordered(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
