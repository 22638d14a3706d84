package dev.strata.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Jwts;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;

/**
 * The root README's "Tokens for scripts", word for word: its shell blocks are read from the README and run with bash
 * and curl against the real auth service, in a directory whose {@code .strata/stack.properties} holds the
 * {@code scripts} account's secret as the launcher writes it. The gateway's address in the commands becomes the auth
 * service's, as the gateway routes them ({@code /oauth2/**} unchanged, {@code /api/auth/**} to auth's {@code /api/**}).
 */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class AuthReadmeTokensTest {

    private static final String GATEWAY = "http://127.0.0.1:8080/";

    @TestHTTPResource("/")
    URI auth;

    @TempDir
    Path home;

    @Test
    void theReadmesCommandsGiveAServiceAccountTokenAndAPersonalApiToken() throws Exception {
        // the curl blocks; the section's CLI block (strata token create|revoke) is run by cli's UserVerbsIT
        List<String> blocks = readmeBlocks().stream().filter(b -> b.contains("curl ")).toList();
        assertEquals(2, blocks.size(), "the section shows two curl commands: " + blocks);
        String hex = UsedSecrets.add(ConfigProvider.getConfig().getValue(AuthTestStack.SCRIPTS_SECRET_HEX_KEY,
                String.class));
        UsedSecrets.add("strata_sas_" + hex);
        Files.createDirectories(home.resolve(".strata"));
        Files.writeString(home.resolve(".strata/stack.properties"),
                "#Strata dev stack\nauth.admin-password=not-used-here\nauth.service-account.scripts=" + hex + "\n");

        // (b) client credentials of the launcher's scripts account: TOKEN is a JWT of sa:scripts
        String token = UsedSecrets.add(run(blocks.get(0) + "\nprintf '%s' \"$TOKEN\"", Map.of()).strip());
        JsonPath claims = Jwts.payload(token);
        assertEquals("sa:scripts", claims.getString("sub"));
        assertEquals(Map.of("*", "engineer"), claims.getMap("strata_ns"));
        Oidc.bearer(token).get("/api/v1/me").then().statusCode(200);

        // (a) a personal API token, created once with a signed-in user's token
        String user = Admin.unique("scripter");
        String userToken = Admin.userWithRole(user, Admin.newPassword(), "*", "viewer").accessToken();
        JsonPath created = JsonPath.from(run(blocks.get(1), Map.of("USER_TOKEN", UsedSecrets.add(userToken))));
        String pat = UsedSecrets.add(created.getString("token"));
        assertTrue(pat.startsWith("strata_pat_"), "the token is shown once: " + created.prettify());
        Oidc.bearer(userToken).get("/api/v1/api-tokens").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.hasItem("my-scripts"));

        // a service account's token is refused, as the README says
        Process refused = start(blocks.get(1), Map.of("USER_TOKEN", token));
        assertEquals(22, exit(refused), "curl -f fails on the 403");
    }

    /** The bash blocks of the README's "Tokens for scripts" paragraph, up to the next paragraph in bold or code. */
    static List<String> readmeBlocks() throws IOException {
        String readme = Files.readString(Path.of("../../README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("**Tokens for scripts.**");
        assertTrue(start >= 0, "the README has a \"Tokens for scripts\" paragraph");
        int end = readme.indexOf("`./mvnw -B verify` builds everything", start);
        Matcher m = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(start, end));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private String run(String script, Map<String, String> env) throws Exception {
        Process process = start(script, env);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, exit(process), "the command failed: " + new String(process.getErrorStream().readAllBytes(),
                StandardCharsets.UTF_8));
        return out;
    }

    private Process start(String script, Map<String, String> env) throws IOException {
        String base = auth.toString().endsWith("/") ? auth.toString() : auth + "/";
        String here = script.replace(GATEWAY + "api/auth/", base + "api/").replace(GATEWAY, base);
        assertTrue(!here.contains("127.0.0.1:8080"), "every gateway address was mapped: " + here);
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", here).directory(home.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static int exit(Process process) throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command ended");
        return process.exitValue();
    }
}
