package dev.strata.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A stand-in for the auth service's issuer endpoints (ADR 0003), just enough for the gateway: discovery, JWKS, the
 * authorize endpoint (approves user {@code alice} at once), and the token endpoint for the authorization code (with a
 * real PKCE S256 check), refresh, and the exchange of personal API tokens. Tokens are RS256 JWTs with a {@code kid}.
 * It stands in for the real auth service until that one runs in tests; {@code /__stats} and {@code /__issued} let a
 * test see what it did. Paths under {@code /api} are echoed as the auth service.
 */
public final class StubIssuer {

    public static final String VALID_API_TOKEN = "strata_pat_TESTvalidApiToken0123456789abcdef";
    public static final String REVOKED_API_TOKEN = "strata_pat_TESTrevokedApiToken0123456789abcdef";
    public static final String USER = "alice";
    public static final String API_TOKEN_USER = "pat-user";

    private static final String KID = "test-key-1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final KeyPair keys;
    private final EchoService api;
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final List<String> issued = new ArrayList<>();
    private final AtomicInteger exchanges = new AtomicInteger();

    private StubIssuer() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.keys = generator.generateKeyPair();
        this.api = EchoService.start("auth-api");
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-issuer");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static StubIssuer start() {
        try {
            return new StubIssuer();
        } catch (Exception e) {
            throw new IllegalStateException("the stub issuer could not start", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        api.stop();
    }

    /** A signed access token as the auth service would issue it. */
    public String accessToken(String subject, long lifetimeSeconds) {
        long now = Instant.now().getEpochSecond();
        return sign(new JsonObject().put("iss", url()).put("sub", subject).put("aud", "strata")
                .put("exp", now + lifetimeSeconds).put("iat", now).put("jti", UUID.randomUUID().toString())
                .put("preferred_username", subject).put("groups", new JsonArray().add("viewer"))
                .put("strata_ns", new JsonObject().put("*", "viewer")));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/.well-known/openid-configuration" -> EchoService.respond(exchange, 200, discovery());
                case "/oauth2/jwks" -> EchoService.respond(exchange, 200, jwks());
                case "/oauth2/authorize" -> {
                    if (method.equals("POST")) {
                        exchange.getRequestBody().readAllBytes();
                        EchoService.respond(exchange, 200, new JsonObject().put("login", "form received"));
                    } else {
                        authorize(exchange);
                    }
                }
                case "/oauth2/token" -> token(exchange);
                case "/__stats" -> EchoService.respond(exchange, 200, new JsonObject().put("exchanges",
                        exchanges.get()));
                case "/__issued" -> {
                    synchronized (issued) {
                        EchoService.respond(exchange, 200, new JsonObject().put("tokens", new JsonArray(
                                new ArrayList<>(issued))));
                    }
                }
                default -> api.answer(exchange, "auth");
            }
        }
    }

    private JsonObject discovery() {
        String issuer = url();
        return new JsonObject()
                .put("issuer", issuer)
                .put("authorization_endpoint", issuer + "/oauth2/authorize")
                .put("token_endpoint", issuer + "/oauth2/token")
                .put("jwks_uri", issuer + "/oauth2/jwks")
                .put("userinfo_endpoint", issuer + "/oauth2/userinfo")
                .put("end_session_endpoint", issuer + "/oauth2/logout")
                .put("revocation_endpoint", issuer + "/oauth2/revoke")
                .put("response_types_supported", new JsonArray().add("code"))
                .put("subject_types_supported", new JsonArray().add("public"))
                .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
                .put("code_challenge_methods_supported", new JsonArray().add("S256"))
                .put("grant_types_supported", new JsonArray().add("authorization_code").add("refresh_token")
                        .add("client_credentials").add("urn:ietf:params:oauth:grant-type:token-exchange"));
    }

    private JsonObject jwks() {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        return new JsonObject().put("keys", new JsonArray().add(new JsonObject()
                .put("kty", "RSA").put("kid", KID).put("use", "sig").put("alg", "RS256")
                .put("n", base64(unsigned(key.getModulus()))).put("e", base64(unsigned(key.getPublicExponent())))));
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if (!"code".equals(query.get("response_type")) || !"S256".equals(query.get("code_challenge_method"))
                || query.get("code_challenge") == null || query.get("redirect_uri") == null) {
            EchoService.respond(exchange, 400, new JsonObject().put("error", "invalid_request")
                    .put("error_description", "code flow with PKCE S256 only"));
            return;
        }
        String code = random();
        codes.put(code, query);
        synchronized (issued) {
            issued.add(code);
        }
        String location = query.get("redirect_uri") + "?code=" + code
                + (query.get("state") == null
                        ? ""
                        : "&state=" + URLEncoder.encode(query.get("state"),
                                StandardCharsets.UTF_8));
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form;
        try (InputStream in = exchange.getRequestBody()) {
            form = form(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        String grant = form.getOrDefault("grant_type", "");
        switch (grant) {
            case "authorization_code" -> {
                Map<String, String> request = codes.remove(form.getOrDefault("code", ""));
                String verifier = form.get("code_verifier");
                if (request == null || verifier == null || !request.get("code_challenge").equals(s256(verifier))
                        || !request.get("redirect_uri").equals(form.get("redirect_uri"))) {
                    EchoService.respond(exchange, 400, new JsonObject().put("error", "invalid_grant"));
                    return;
                }
                EchoService.respond(exchange, 200, tokens(request.get("client_id"), request.get("nonce")));
            }
            case "refresh_token" -> {
                if (!refreshTokens.remove(form.getOrDefault("refresh_token", ""))) {
                    EchoService.respond(exchange, 400, new JsonObject().put("error", "invalid_grant"));
                    return;
                }
                EchoService.respond(exchange, 200, tokens(form.getOrDefault("client_id", "gateway"), null));
            }
            case "urn:ietf:params:oauth:grant-type:token-exchange" -> {
                exchanges.incrementAndGet();
                if (!"urn:strata:params:oauth:token-type:api-token".equals(form.get("subject_token_type"))
                        || !VALID_API_TOKEN.equals(form.get("subject_token"))) {
                    EchoService.respond(exchange, 400, new JsonObject().put("error", "invalid_grant"));
                    return;
                }
                String token = remember(accessToken(API_TOKEN_USER, 600));
                EchoService.respond(exchange, 200, new JsonObject().put("access_token", token)
                        .put("issued_token_type", "urn:ietf:params:oauth:token-type:access_token")
                        .put("token_type", "Bearer").put("expires_in", 600));
            }
            default -> EchoService.respond(exchange, 400, new JsonObject().put("error", "unsupported_grant_type"));
        }
    }

    private JsonObject tokens(String clientId, String nonce) {
        long now = Instant.now().getEpochSecond();
        JsonObject id = new JsonObject().put("iss", url()).put("sub", USER).put("aud", clientId)
                .put("exp", now + 600).put("iat", now).put("preferred_username", USER);
        if (nonce != null) {
            id.put("nonce", nonce);
        }
        String refresh = random();
        refreshTokens.add(refresh);
        return new JsonObject()
                .put("access_token", remember(accessToken(USER, 600)))
                .put("id_token", remember(sign(id)))
                .put("refresh_token", remember(refresh))
                .put("token_type", "Bearer")
                .put("expires_in", 600);
    }

    private String remember(String token) {
        synchronized (issued) {
            issued.add(token);
        }
        return token;
    }

    private String sign(JsonObject claims) {
        String header = base64(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", KID).encode()
                .getBytes(StandardCharsets.UTF_8));
        String payload = base64(claims.encode().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign((PrivateKey) keys.getPrivate());
            signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + base64(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(name, value);
        }
        return values;
    }

    static String s256(String verifier) {
        try {
            return base64(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return base64(bytes);
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
