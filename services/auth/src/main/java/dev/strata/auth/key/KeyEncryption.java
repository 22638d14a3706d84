package dev.strata.auth.key;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.strata.auth.config.AuthConfig;

/**
 * Protects signing keys at rest: AES-GCM (JDK) under the key-encryption key {@code strata.auth.key-encryption-key},
 * with the key id as associated data so a ciphertext cannot be moved to another row. Without a key-encryption key
 * the private keys are stored unencrypted, with a warning at start.
 */
@ApplicationScoped
public class KeyEncryption {

    private static final Logger LOG = Logger.getLogger(KeyEncryption.class);
    private static final String ENCRYPTED = "aes-gcm:";
    private static final String PLAIN = "plain:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Optional<SecretKey> kek;
    private final SecureRandom random = new SecureRandom();

    KeyEncryption(AuthConfig config) {
        this.kek = config.keyEncryptionKey().filter(k -> !k.isBlank()).map(KeyEncryption::parse);
        if (kek.isEmpty()) {
            LOG.warn("strata.auth.key-encryption-key is not set: signing keys are stored unencrypted in the database. "
                    + "Production must set it (base64 of 32 random bytes, from a Secret).");
        }
    }

    public String seal(String kid, byte[] pkcs8) {
        if (kek.isEmpty()) {
            return PLAIN + Base64.getEncoder().encodeToString(pkcs8);
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek.get(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(pkcs8);
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return ENCRYPTED + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt signing key " + kid, e);
        }
    }

    public byte[] open(String kid, String stored) {
        if (stored.startsWith(PLAIN)) {
            return Base64.getDecoder().decode(stored.substring(PLAIN.length()));
        }
        if (!stored.startsWith(ENCRYPTED)) {
            throw new IllegalStateException("signing key " + kid + " is stored in an unknown format");
        }
        SecretKey key = kek.orElseThrow(() -> new IllegalStateException("signing key " + kid
                + " is encrypted but strata.auth.key-encryption-key is not set: set the key it was encrypted with"));
        byte[] in = Base64.getDecoder().decode(stored.substring(ENCRYPTED.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt signing key " + kid
                    + ": strata.auth.key-encryption-key is not the key it was encrypted with", e);
        }
    }

    private static SecretKey parse(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("strata.auth.key-encryption-key is not base64");
        }
        if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalArgumentException("strata.auth.key-encryption-key must be base64 of 16, 24 or 32 bytes, "
                    + "it has " + bytes.length + " (generate one with: openssl rand -base64 32)");
        }
        return new SecretKeySpec(bytes, "AES");
    }
}
