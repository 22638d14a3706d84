package dev.strata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Calls a Strata platform through its gateway as the signed-in user of one context: the bearer token (refreshed on
 * its own shortly before it expires), problem details turned into one sentence and an {@link ExitCodes exit code}.
 */
final class Api {

    /**
     * The object mapper, made on first use: a list verb's answer is read into a tree with Jackson's streaming parser
     * ({@link #parse}) and printed as a table without one (its creation loads ~350 classes).
     */
    static ObjectMapper json() {
        return Json.MAPPER;
    }

    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    static {
        // HttpURLConnection sends a POST again, unasked, when a kept-alive connection fails before any answer: a
        // trigger or retry must never go twice (read once, when its connection class first loads)
        System.setProperty("sun.net.http.retryPost", "false");
    }

    /** The factory of {@link #parse}'s parsers (jackson-core only). */
    private static final JsonFactory PARSERS = new JsonFactory();
    /** The public client the auth service registers for the CLI (loopback redirect, PKCE, device grant). */
    static final String CLIENT_ID = "strata-cli";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String url;
    private final String contextName;
    private final Contexts contexts;
    private Contexts.Credentials credentials;
    private HttpClient http;

    Api(String url, String contextName, Contexts contexts, Contexts.Credentials credentials) {
        this.url = stripSlash(url);
        this.contextName = contextName;
        this.contexts = contexts;
        this.credentials = credentials;
    }

    /**
     * The JDK's HTTP client for streams and uploads, made on first use: its start (a selector thread, an SSL context
     * even for http://, ~700 classes) was most of a one-request verb's time; those use {@link #exchange}.
     */
    private HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                    .build();
        }
        return http;
    }

    /**
     * The platform of the chosen context: {@code --context}, else {@code STRATA_CONTEXT}, else the current one. CI
     * may skip {@code login}: {@code STRATA_URL} and {@code STRATA_TOKEN} (an API token) are used as they are.
     */
    static Api forContext(String chosen) {
        String envUrl = System.getenv("STRATA_URL");
        String envToken = System.getenv("STRATA_TOKEN");
        if (chosen == null && envUrl != null && !envUrl.isBlank() && envToken != null && !envToken.isBlank()) {
            return new Api(envUrl, "STRATA_URL", null, Contexts.Credentials.ofApiToken(envToken.strip()));
        }
        Contexts contexts = Contexts.load();
        String name = chosen != null ? chosen : System.getenv("STRATA_CONTEXT");
        if (name == null || name.isBlank()) {
            name = contexts.current().orElseThrow(() -> new StrataException(ExitCodes.NOT_SIGNED_IN,
                    "you are not signed in to any platform: run strata login URL (e.g. strata login"
                            + " http://127.0.0.1:8080), or set STRATA_URL and STRATA_TOKEN",
                    null));
        }
        String contextName = name;
        Contexts.Context context = contexts.get(name).orElseThrow(() -> new StrataException(ExitCodes.USAGE,
                "there is no context '" + contextName + "': strata context ls lists them", null));
        Contexts.Credentials signIn = contexts.credentials(name).orElseThrow(() -> new StrataException(
                ExitCodes.NOT_SIGNED_IN, "you are signed out of context '" + contextName + "': run strata login "
                        + context.url() + " --context " + contextName,
                null));
        return new Api(context.url(), name, contexts, signIn);
    }

    String url() {
        return url;
    }

    String contextName() {
        return contextName;
    }

    JsonNode get(String path) {
        return send("GET", path, null, null);
    }

    JsonNode postJson(String path, Object body) {
        try {
            return send("POST", path, "application/json", json().writeValueAsBytes(body));
        } catch (IOException e) {
            throw new StrataException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    JsonNode send(String method, String path, String contentType, byte[] body) {
        return parse(exchange(method, path, contentType, body).body());
    }

    /** A status and the answer's bytes. */
    record Answer(int status, byte[] body) {
    }

    /**
     * One request with the bytes of its answer, after the status was checked (a 2xx); through the JDK's
     * {@link HttpURLConnection} (no client to start, no TLS classes for http://).
     */
    Answer exchange(String method, String path, String contentType, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + bearer());
        headers.put("User-Agent", userAgent());
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        headers.put("Accept", "application/json, application/problem+json, */*");
        Answer answer = plain(method, url + path, headers, body);
        check(answer.status(), answer.body(), path);
        return answer;
    }

    /**
     * One HTTP/1.1 request without a proxy, redirects or caching (as the JDK's HTTP client sends it); a failure to
     * connect or a timeout is {@link ExitCodes#UNREACHABLE}.
     */
    private Answer plain(String method, String target, Map<String, String> headers, byte[] body) {
        HttpURLConnection connection = null;
        boolean connected = false;
        try {
            connection = (HttpURLConnection) URI.create(target).toURL().openConnection(Proxy.NO_PROXY);
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
            headers.forEach(connection::setRequestProperty);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
            }
            connection.connect();
            connected = true;
            if (body != null) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            byte[] answer;
            if (in == null) {
                answer = new byte[0];
            } else {
                try (InputStream stream = in) {
                    answer = stream.readAllBytes();
                }
            }
            return new Answer(status, answer);
        } catch (ConnectException e) {
            throw unreachable(e);
        } catch (SocketTimeoutException e) {
            if (!connected) {
                throw unreachable(new HttpConnectTimeoutException("no answer to connect"));
            }
            throw new StrataException(ExitCodes.UNREACHABLE, "the platform at " + url + " did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " s; check strata status, or try again", e);
        } catch (IllegalArgumentException e) {
            throw unreachable(e);
        } catch (IOException e) {
            throw unreachable(e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /** A streaming answer (server-sent events, logs); {@code null} when the server answers 404 (not served there). */
    HttpResponse<InputStream> stream(String path, String accept) {
        HttpRequest request = request(path).header("Accept", accept).GET().build();
        HttpResponse<InputStream> response = call(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 404) {
            close(response.body());
            return null;
        }
        if (response.statusCode() >= 300) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(65536);
            } catch (IOException e) {
                body = new byte[0];
            }
            check(response.statusCode(), body, path);
        }
        return response;
    }

    /** Sends any request with this context's token, mapping a failure to connect to {@link ExitCodes#UNREACHABLE}. */
    <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http().send(request, handler);
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new StrataException(ExitCodes.UNREACHABLE, "the platform at " + url + " did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " s; check strata status, or try again", e);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException("interrupted", e);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + bearer())
                .header("User-Agent", userAgent());
    }

    private static String userAgent() {
        return "strata-cli/" + StrataCommand.version();
    }

    private StrataException unreachable(Exception e) {
        return cannotReach(url, e, ", or check the URL of context '" + contextName + "' with strata context current");
    }

    /** Exit code 3 and one sentence for a platform that does not answer. */
    static StrataException cannotReach(String url, Exception e, String advice) {
        String reason;
        if (e instanceof ConnectException) {
            reason = "connection refused";
        } else if (e instanceof HttpConnectTimeoutException) {
            reason = "no answer to connect";
        } else {
            reason = e.getMessage() == null || e.getMessage().isBlank()
                    ? e.getClass().getSimpleName()
                    : e.getMessage();
        }
        return new StrataException(ExitCodes.UNREACHABLE, "cannot reach the Strata platform at " + url + " ("
                + reason + "): start it with ./strata up" + advice, e);
    }

    /** The token to send: the API token as it is (the gateway exchanges it), or a fresh access token. */
    private String bearer() {
        if (credentials.isApiToken()) {
            return credentials.apiToken();
        }
        if (credentials.expiresAtEpochSecond() - 30 < Instant.now().getEpochSecond()) {
            refresh();
        }
        return credentials.accessToken();
    }

    private void refresh() {
        if (credentials.refreshToken() == null) {
            throw expired();
        }
        Answer response = plain("POST", url + "/oauth2/token", Map.of("Content-Type",
                "application/x-www-form-urlencoded", "User-Agent", userAgent()),
                form(Map.of("grant_type",
                        "refresh_token", "refresh_token", credentials.refreshToken(), "client_id", CLIENT_ID))
                        .getBytes(StandardCharsets.UTF_8));
        if (response.status() >= 500) {
            throw new StrataException(ExitCodes.UNREACHABLE, "the platform at " + url + " could not renew your"
                    + " sign-in (HTTP " + response.status() + "); try again shortly", null);
        }
        if (response.status() != 200) {
            if (contexts != null) {
                contexts.setCredentials(contextName, null);
                contexts.save();
            }
            throw expired();
        }
        credentials = tokens(parse(response.body()));
        if (contexts != null) {
            contexts.setCredentials(contextName, credentials);
            contexts.save();
        }
    }

    /** The credentials of a token endpoint's answer. */
    static Contexts.Credentials tokens(JsonNode answer) {
        long expiresIn = answer.path("expires_in").asLong(600);
        return new Contexts.Credentials(null, answer.path("access_token").asText(),
                answer.path("refresh_token").isMissingNode() ? null : answer.path("refresh_token").asText(),
                Instant.now().getEpochSecond() + expiresIn);
    }

    private StrataException expired() {
        return new StrataException(ExitCodes.NOT_SIGNED_IN, "your sign-in to " + url + " (context '" + contextName
                + "') has expired or was revoked: run strata login " + url + " again", null);
    }

    /** A non-2xx answer as one sentence and its exit code. */
    void check(int status, byte[] body, String path) {
        if (status < 300) {
            return;
        }
        String detail = problem(body);
        String suffix = detail.isEmpty() ? "" : ": " + detail;
        switch (status) {
            case 401 -> throw new StrataException(ExitCodes.NOT_SIGNED_IN, "the platform at " + url
                    + " did not accept your sign-in (context '" + contextName + "')" + suffix
                    + (credentials != null && credentials.isApiToken()
                            ? ": its API token was revoked or has expired. Create a new one with strata token create"
                                    + " where you are signed in, then strata login " + url + " --token -"
                            : ". Run strata login " + url + " again"),
                    null);
            case 403 -> throw new StrataException(ExitCodes.REFUSED, "refused" + suffix
                    + ". Your role does not allow this: ask an admin of the namespace for a higher role (strata"
                    + " whoami shows yours)", null);
            case 404 -> throw new StrataException(ExitCodes.NOT_FOUND, "not found" + (detail.isEmpty()
                    ? " ("
                            + path + ")"
                    : suffix) + "; check the name (the ls verbs list what exists)", null);
            case 400, 409, 413, 415, 422 -> throw new StrataException(ExitCodes.INVALID, "refused by the platform"
                    + (detail.isEmpty() ? " (HTTP " + status + ")" : suffix), null);
            case 429 -> throw new StrataException(ExitCodes.UNREACHABLE, "the platform is limiting your requests"
                    + suffix + "; wait a few seconds and try again", null);
            case 502, 503, 504 -> throw new StrataException(ExitCodes.UNREACHABLE, "the platform at " + url
                    + " cannot serve this right now (HTTP " + status + ")" + suffix + "; check strata status", null);
            default -> throw new StrataException(ExitCodes.FAILURE, "the platform answered HTTP " + status + suffix,
                    null);
        }
    }

    /** The sentence of a problem-details or OAuth error answer, with any field errors it lists. */
    static String problem(byte[] body) {
        JsonNode node = parse(body);
        if (node.isMissingNode() || !node.isObject()) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return text.length() > 300 || text.startsWith("<") ? "" : text;
        }
        String detail = node.path("detail").asText(node.path("error_description").asText(node.path("title")
                .asText(node.path("error").asText(""))));
        StringJoiner errors = new StringJoiner("; ");
        for (JsonNode error : node.path("errors")) {
            if (error.has("file") && error.has("message")) {
                errors.add(error.path("file").asText() + (error.has("line") ? ":" + error.path("line").asText() : "")
                        + (error.has("column") ? ":" + error.path("column").asText() : "") + ": "
                        + error.path("message").asText());
            } else {
                errors.add(error.isTextual() ? error.asText() : describe(error));
            }
        }
        return errors.length() == 0 ? detail : detail + " (" + errors + ")";
    }

    private static String describe(JsonNode error) {
        Map<String, String> parts = new LinkedHashMap<>();
        error.fields().forEachRemaining(e -> parts.put(e.getKey(), e.getValue().asText()));
        StringJoiner joined = new StringJoiner(", ");
        parts.forEach((k, v) -> joined.add(k + " " + v));
        return joined.toString();
    }

    /**
     * An answer as a tree ({@link MissingNode} when empty or not JSON), read with jackson-core's streaming parser:
     * the same tree as {@code ObjectMapper.readTree} (ints, longs, big integers, doubles; the last of duplicate
     * keys; what follows the first value ignored) without making an object mapper.
     */
    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return MissingNode.getInstance();
        }
        try (JsonParser parser = PARSERS.createParser(body)) {
            JsonToken first = parser.nextToken();
            return first == null ? MissingNode.getInstance() : value(parser, first);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (token) {
            case START_OBJECT :
                ObjectNode object = nodes.objectNode();
                for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                    object.set(name, value(parser, parser.nextToken()));
                }
                if (parser.currentToken() != JsonToken.END_OBJECT) {
                    throw new JsonParseException(parser, "unexpected " + parser.currentToken());
                }
                return object;
            case START_ARRAY :
                ArrayNode array = nodes.arrayNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    if (next == null) {
                        throw new JsonParseException(parser, "unexpected end of input");
                    }
                    array.add(value(parser, next));
                }
                return array;
            case VALUE_STRING :
                return nodes.textNode(parser.getText());
            case VALUE_NUMBER_INT :
                return switch (parser.getNumberType()) {
                    case INT -> nodes.numberNode(parser.getIntValue());
                    case LONG -> nodes.numberNode(parser.getLongValue());
                    default -> nodes.numberNode(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT :
                return nodes.numberNode(parser.getDoubleValue());
            case VALUE_TRUE :
                return nodes.booleanNode(true);
            case VALUE_FALSE :
                return nodes.booleanNode(false);
            case VALUE_NULL :
                return nodes.nullNode();
            default :
                throw new JsonParseException(parser, "unexpected " + token);
        }
    }

    static String form(Map<String, String> fields) {
        StringJoiner form = new StringJoiner("&");
        fields.forEach((k, v) -> form.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return form.toString();
    }

    static String enc(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String stripSlash(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
