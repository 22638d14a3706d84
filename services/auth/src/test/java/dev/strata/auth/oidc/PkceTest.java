package dev.strata.auth.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PkceTest {

    // RFC 7636 appendix B
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    @Test
    void theRfcExampleVerifies() {
        assertEquals(CHALLENGE, Pkce.challengeOf(VERIFIER));
        assertTrue(Pkce.isValidChallenge(CHALLENGE));
        assertTrue(Pkce.verify(VERIFIER, CHALLENGE));
    }

    @Test
    void anythingElseDoesNot() {
        assertFalse(Pkce.verify(VERIFIER.replace('d', 'e'), CHALLENGE));
        assertFalse(Pkce.verify(CHALLENGE, CHALLENGE), "the challenge itself is not a verifier for it");
        assertFalse(Pkce.verify("short", Pkce.challengeOf("short")), "verifiers have at least 43 characters");
        assertFalse(Pkce.verify(null, CHALLENGE));
        assertFalse(Pkce.isValidChallenge("plain-text-challenge"));
    }
}
