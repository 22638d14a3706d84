package dev.strata.auth.oidc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PublicClientTest {

    private final PublicClient cli = new PublicClient("strata-cli", List.of("http://127.0.0.1/callback"), List.of());
    private final PublicClient ui = new PublicClient("strata-ui", List.of("https://strata.example.com/auth/callback"),
            List.of("https://strata.example.com/"));

    @Test
    void aLoopbackRedirectWithoutPortAllowsAnyPort() {
        assertTrue(cli.allowsRedirect("http://127.0.0.1:53682/callback"));
        assertTrue(cli.allowsRedirect("http://127.0.0.1/callback"));
        assertFalse(cli.allowsRedirect("http://127.0.0.1:53682/other"), "same path only");
        assertFalse(cli.allowsRedirect("http://127.0.0.1:53682/callback?x=1"), "same query only");
        assertFalse(cli.allowsRedirect("http://127.0.0.2:53682/callback"), "same host only");
        assertFalse(cli.allowsRedirect("https://127.0.0.1:53682/callback"), "same scheme only");
        assertFalse(cli.allowsRedirect("http://user@127.0.0.1:53682/callback"));
        assertFalse(cli.allowsRedirect("http://127.0.0.1:53682/callback#frag"));
        assertFalse(cli.allowsRedirect(null));
    }

    @Test
    void otherRedirectsMatchExactly() {
        assertTrue(ui.allowsRedirect("https://strata.example.com/auth/callback"));
        assertFalse(ui.allowsRedirect("https://strata.example.com:8443/auth/callback"));
        assertFalse(ui.allowsRedirect("https://strata.example.com/auth/callback/../evil"));
        assertFalse(ui.allowsRedirect("https://strata.example.com.evil.example/auth/callback"));
        assertTrue(ui.allowsPostLogoutRedirect("https://strata.example.com/"));
        assertFalse(ui.allowsPostLogoutRedirect("https://evil.example/"));
    }
}
