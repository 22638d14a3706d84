package dev.strata.auth.user;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void aHashVerifiesItsPasswordOnly() {
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertFalse(hash.contains("horse"));
        assertTrue(hasher.verify("correct horse battery staple", hash));
        assertFalse(hasher.verify("correct horse battery stapl", hash));
        assertFalse(hasher.verify("", hash));
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertNotEquals(hasher.hash("same password twice"), hasher.hash("same password twice"));
    }

    @Test
    void anUnreadableHashVerifiesNothing() {
        assertFalse(hasher.verify("anything", "plaintext"));
        assertFalse(hasher.verify("anything", "$2a$10$abcdefghijklmnopqrstuv"));
        assertFalse(hasher.verify("anything", "$argon2id$v=19$m=x,t=2,p=1$AAAA$AAAA"));
    }
}
