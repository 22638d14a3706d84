package dev.strata.gateway.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.gateway.support.Browser;
import dev.strata.gateway.support.Gateway;
import dev.strata.gateway.support.TestUpstreams;

/**
 * How the gateway serves the built web UI: the redirect from {@code /}, {@code index.html} for deep links, hashed
 * assets as immutable and pre-compressed, and the CSP without {@code unsafe-inline}.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,redis")})
@WithTestResource(TestUpstreams.class)
class UiRoutesTest {

    private static final Pattern SCRIPT = Pattern
            .compile("<script type=\"module\" crossorigin src=\"(/ui/assets/[^\"]+\\.js)\"");

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void theRootAndUiWithoutSlashLeadToTheUi() {
        HttpResponse<String> root = Gateway.send(HttpRequest.newBuilder(gateway).GET().build());
        assertEquals(302, root.statusCode());
        assertEquals("/ui/", root.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void aDeepLinkAnswersTheAppsPageNeverCachedAndWithoutInlineCode() {
        Browser browser = Browser.signIn(gateway, "/ui/namespaces/sales/runs/0b9f3c1e");
        HttpResponse<String> page = browser.get(gateway.resolve("/ui/namespaces/sales/runs/0b9f3c1e"));
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(page.body().contains("<div id=\"root\">"), page.body());
        assertFalse(page.body().matches("(?s).*<script>.*|.*<style>.*|.* style=\".*"),
                "nothing inline: " + page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("default-src 'self'"), csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
        // the same page at the UI's root
        assertEquals(page.body(), browser.get(gateway.resolve("/ui/")).body());
    }

    @Test
    void hashedAssetsAreImmutableAndComeCompressedAsTheBrowserAsks() throws IOException {
        Browser browser = Browser.signIn(gateway, "/ui/");
        String index = browser.get(gateway.resolve("/ui/")).body();
        Matcher script = SCRIPT.matcher(index);
        assertTrue(script.find(), "the entry script in " + index);
        URI entry = gateway.resolve(script.group(1));

        HttpResponse<byte[]> plain = browser.bytes(HttpRequest.newBuilder(entry).header("Accept-Encoding", "identity"));
        assertEquals(200, plain.statusCode());
        assertEquals("public, max-age=31536000, immutable", plain.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(plain.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        assertTrue(new String(plain.body(), StandardCharsets.UTF_8).contains("createRoot")
                || plain.body().length > 10_000, "the app's code");

        HttpResponse<byte[]> gzip = browser.bytes(HttpRequest.newBuilder(entry).header("Accept-Encoding", "gzip"));
        assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(""));
        assertEquals("Accept-Encoding", gzip.headers().firstValue("Vary").orElse(""));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
            assertArrayEquals(plain.body(), in.readAllBytes());
        }
        assertTrue(gzip.body().length < plain.body().length / 2, "compressed: " + gzip.body().length);

        HttpResponse<byte[]> brotli = browser.bytes(HttpRequest.newBuilder(entry)
                .header("Accept-Encoding", "gzip, deflate, br"));
        assertEquals("br", brotli.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(brotli.body().length < gzip.body().length, "brotli beats gzip: " + brotli.body().length);

        HttpResponse<byte[]> refusedBrotli = browser.bytes(HttpRequest.newBuilder(entry)
                .header("Accept-Encoding", "br;q=0, gzip"));
        assertEquals("gzip", refusedBrotli.headers().firstValue("Content-Encoding").orElse(""));
    }

    @Test
    void aMissingAssetIsA404ProblemNotTheAppsPage() {
        Browser browser = Browser.signIn(gateway, "/ui/");
        HttpResponse<String> missing = browser.get(gateway.resolve("/ui/assets/index-00000000.js"));
        assertEquals(404, missing.statusCode());
        assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(missing.body().contains("/ui/assets/index-00000000.js"), missing.body());
        assertEquals(404, browser.get(gateway.resolve("/ui/favicon.ico")).statusCode());
    }

    @Test
    void theUiNeedsASignedInBrowser() {
        HttpResponse<String> answer = Gateway.send(HttpRequest.newBuilder(gateway.resolve("/ui/namespaces/sales"))
                .GET().build());
        assertEquals(302, answer.statusCode());
        assertNotNull(answer.headers().firstValue("Location").orElse(null));
        assertTrue(answer.headers().firstValue("Location").orElseThrow().contains("/oauth2/authorize"));
    }

    @Test
    void writesToTheUiAreRefused() {
        Browser browser = Browser.signIn(gateway, "/ui/");
        HttpResponse<String> post = browser.send(HttpRequest.newBuilder(gateway.resolve("/ui/"))
                .header("Origin", gateway.getScheme() + "://" + gateway.getHost() + ":" + gateway.getPort())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, post.statusCode(), post.body());
    }
}
