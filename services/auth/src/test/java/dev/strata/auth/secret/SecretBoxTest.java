package dev.strata.auth.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.strata.auth.config.SecretsConfig;

class SecretBoxTest {

    @Test
    void aValueSealedUnderTheOldMasterKeyOpensAfterARotationAndNowhereElse() {
        String oldKey = key();
        String newKey = key();
        SecretBox before = new SecretBox(config(oldKey, List.of()));
        SecretBox.Sealed sealed = before.seal("sales", "api-token", "the value");
        assertEquals(before.currentKeyId(), sealed.keyId());

        SecretBox after = new SecretBox(config(newKey, List.of(oldKey)));
        assertNotEquals(before.currentKeyId(), after.currentKeyId());
        assertEquals("the value", after.open("sales", "api-token", sealed));
        SecretBox.Sealed rewrapped = after.seal("sales", "api-token", "the value");
        assertEquals(after.currentKeyId(), rewrapped.keyId());

        // moved to another namespace or name: refused (associated data)
        assertThrows(IllegalStateException.class, () -> after.open("other", "api-token", sealed));
        assertThrows(IllegalStateException.class, () -> after.open("sales", "other", sealed));
        // the old key is gone: refused, naming the key id
        SecretBox forgotten = new SecretBox(config(newKey, List.of()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> forgotten.open("sales", "api-token", sealed));
        assertEquals(true, e.getMessage().contains(sealed.keyId()));
    }

    @Test
    void aMasterKeyOfTheWrongSizeStopsTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new SecretBox(config(
                Base64.getEncoder().encodeToString(new byte[16]), List.of())));
    }

    private static String key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static SecretsConfig config(String master, List<String> previous) {
        return new SecretsConfig() {
            public Optional<String> masterKey() {
                return Optional.of(master);
            }

            public Optional<List<String>> previousMasterKeys() {
                return Optional.of(previous);
            }

            public List<String> resolvers() {
                return List.of();
            }

            public int maxValueBytes() {
                return 16384;
            }

            public int maxPerNamespace() {
                return 500;
            }
        };
    }
}
