package dev.strata.registry.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.jwt.Claims;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

import dev.strata.registry.client.AuthClient;
import dev.strata.security.StrataClaims;

/** When auth cannot say what the caller's role is now, no SQL runs: 503, never an unchecked query. */
class LiveRolesTest {

    private static final String RAW_TOKEN = "header.payload.signature";

    @Test
    void authNotAnsweringIsA503AndTheQueryIsNotRun() throws IOException {
        SqlProblem problem = assertThrows(SqlProblem.class, () -> liveRoles(Optional.of(closedPort()),
                tokenWith(Map.of("sales", "analyst"))).requireAnalyst("sales"));
        assertEquals(503, problem.status());
        String detail = (String) problem.body().get("detail");
        assertTrue(detail.startsWith("Your role in sales cannot be checked now: the auth service did not answer"),
                detail);
        assertTrue(detail.contains("The query was not run"), detail);
        assertFalse(detail.contains(RAW_TOKEN), "the token is never in a message");
    }

    @Test
    void noAuthUrlIsA503Too() {
        SqlProblem problem = assertThrows(SqlProblem.class, () -> liveRoles(Optional.empty(),
                tokenWith(Map.of("sales", "analyst"))).requireAnalyst("sales"));
        assertEquals(503, problem.status());
        assertTrue(((String) problem.body().get("detail")).contains("strata.services.auth.url is not set"));
    }

    @Test
    void aTokenOfAnExternalIssuerIsNotAskedAtAuth() throws IOException {
        // no strata_ns claim: its issuer's roles count; auth (here unreachable) has no bindings for it
        liveRoles(Optional.of(closedPort()), tokenWith(null)).requireAnalyst("sales");
    }

    private static LiveRoles liveRoles(Optional<String> authUrl, SecurityIdentity identity) {
        return new LiveRoles(new AuthClient(authUrl, identity), identity, new ObjectMapper());
    }

    private static SecurityIdentity tokenWith(Map<String, String> namespaces) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("sa:test");
        claims.setClaim(Claims.raw_token.name(), RAW_TOKEN);
        claims.setStringClaim("preferred_username", "test");
        if (namespaces != null) {
            claims.setClaim(StrataClaims.NAMESPACES, namespaces);
        }
        return QuarkusSecurityIdentity.builder().setPrincipal(new DefaultJWTCallerPrincipal(RAW_TOKEN, claims))
                .build();
    }

    /** A loopback URL where nothing listens. */
    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
