package dev.strata.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The OAuth device authorization grant (RFC 8628): asks the issuer for a device code and a user code, shows the
 * verification URL and the code, and polls the token endpoint at the interval it names (slower after
 * {@code slow_down}) until the user approved, denied, or the code expired.
 */
final class DeviceLogin {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

    private final String url;
    private final PrintWriter out;

    DeviceLogin(String url, PrintWriter out) {
        this.url = url;
        this.out = out;
    }

    Contexts.Credentials signIn() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/oauth2/device_authorization"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Api.form(BrowserLogin.ordered("client_id", Api.CLIENT_ID,
                        "scope", "openid"))))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(request,
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw Api.cannotReach(url, e, ", or check the URL");
        }
        JsonNode start = Api.parse(response.body());
        if (response.statusCode() == 404) {
            throw new StrataException(ExitCodes.USAGE, "the platform at " + url + " does not offer the device"
                    + " sign-in; use strata login without --device, or --token", null);
        }
        if (response.statusCode() != 200 || !start.has("device_code")) {
            throw new StrataException(ExitCodes.NOT_SIGNED_IN, "the platform refused the device sign-in: "
                    + Api.problem(response.body()), null);
        }
        out.println("To sign in, visit " + start.path("verification_uri").asText() + " and enter the code "
                + start.path("user_code").asText());
        if (start.has("verification_uri_complete")) {
            out.println("  (or open " + start.path("verification_uri_complete").asText() + ")");
        }
        out.println("Waiting for you to approve...");
        out.flush();
        long interval = Math.max(1, start.path("interval").asLong(5));
        long deadline = System.nanoTime() + Duration.ofSeconds(start.path("expires_in").asLong(600)).toNanos();
        while (System.nanoTime() - deadline < 0) {
            Thread.sleep(interval * 1000);
            JsonNode answer = BrowserLogin.tokenEndpoint(url, BrowserLogin.ordered("grant_type", GRANT_TYPE,
                    "device_code", start.path("device_code").asText(), "client_id", Api.CLIENT_ID));
            if (answer.has("access_token")) {
                return Api.tokens(answer);
            }
            switch (answer.path("error").asText()) {
                case "authorization_pending" -> {
                }
                case "slow_down" -> interval += 5;
                case "access_denied" -> throw new StrataException(ExitCodes.NOT_SIGNED_IN,
                        "the sign-in was denied at the verification page; run strata login --device again", null);
                case "expired_token" -> throw expired();
                default -> throw new StrataException(ExitCodes.NOT_SIGNED_IN, "the platform refused the device"
                        + " sign-in: " + answer.path("error_description").asText(answer.path("error").asText()),
                        null);
            }
        }
        throw expired();
    }

    private static StrataException expired() {
        return new StrataException(ExitCodes.NOT_SIGNED_IN, "the code expired before it was approved; run strata"
                + " login --device again", null);
    }
}
