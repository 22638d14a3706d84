package dev.strata.auth.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.strata.auth.config.SecretsConfig;
import dev.strata.web.Problem;
import dev.strata.web.ProblemException;

/**
 * Envelope encryption of secret values (JDK AES-256-GCM): each value gets its own random data key and nonce; the data
 * key is wrapped (AES-GCM, random nonce) by the master key {@code strata.secrets.master-key}. The key id (first 8 bytes
 * of the master key's SHA-256, hex) is stored beside the value, so that after a rotation the previous keys
 * ({@code strata.secrets.previous-master-keys}) still open what they wrapped. The namespace and the secret's name are
 * associated data of both layers: a sealed value cannot be moved to another row.
 */
@ApplicationScoped
public class SecretBox {

    private static final Logger LOG = Logger.getLogger(SecretBox.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A sealed value as stored: the master key's id, the wrapped data key, and the encrypted value. */
    public record Sealed(String keyId, byte[] wrappedKey, byte[] sealed) {
    }

    private final Optional<String> currentId;
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    SecretBox(SecretsConfig config) {
        this.currentId = config.masterKey().filter(k -> !k.isBlank())
                .map(k -> add(k, "strata.secrets.master-key"));
        for (String previous : config.previousMasterKeys().orElse(List.of())) {
            if (!previous.isBlank()) {
                add(previous, "strata.secrets.previous-master-keys");
            }
        }
        if (currentId.isEmpty()) {
            LOG.warn("strata.secrets.master-key is not set: the namespace secrets API answers 503 until it is "
                    + "(base64 of 32 random bytes, from a Secret).");
        }
    }

    public boolean configured() {
        return currentId.isPresent();
    }

    /** The id of the current master key. */
    public String currentKeyId() {
        return currentId.orElseThrow(SecretBox::notConfigured);
    }

    public Sealed seal(String namespace, String name, String value) {
        String keyId = currentKeyId();
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] aad = aad(namespace, name);
        byte[] sealed = encrypt(new SecretKeySpec(dataKey, "AES"), value.getBytes(StandardCharsets.UTF_8), aad);
        byte[] wrapped = encrypt(keys.get(keyId), dataKey, wrapAad(keyId, aad));
        java.util.Arrays.fill(dataKey, (byte) 0);
        return new Sealed(keyId, wrapped, sealed);
    }

    public String open(String namespace, String name, Sealed stored) {
        SecretKey master = keys.get(stored.keyId());
        if (master == null) {
            throw new IllegalStateException("secret '" + name + "' of namespace '" + namespace
                    + "' is wrapped by master key " + stored.keyId() + ", which is neither strata.secrets.master-key "
                    + "nor one of strata.secrets.previous-master-keys");
        }
        byte[] aad = aad(namespace, name);
        byte[] dataKey = decrypt(master, stored.wrappedKey(), wrapAad(stored.keyId(), aad), name);
        try {
            return new String(decrypt(new SecretKeySpec(dataKey, "AES"), stored.sealed(), aad, name),
                    StandardCharsets.UTF_8);
        } finally {
            java.util.Arrays.fill(dataKey, (byte) 0);
        }
    }

    private String add(String base64, String key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(key + " must be base64 of 32 bytes, it has " + bytes.length
                    + " (generate one with: openssl rand -base64 32)");
        }
        String id = keyId(bytes);
        keys.putIfAbsent(id, new SecretKeySpec(bytes, "AES"));
        return id;
    }

    static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] encrypt(SecretKey key, byte[] plain, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    private static byte[] decrypt(SecretKey key, byte[] in, byte[] aad, String name) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt secret '" + name + "': the stored value or its key was "
                    + "altered", e);
        }
    }

    private static byte[] aad(String namespace, String name) {
        return (namespace + "/" + name).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] wrapAad(String keyId, byte[] aad) {
        byte[] id = (keyId + ":").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[id.length + aad.length];
        System.arraycopy(id, 0, out, 0, id.length);
        System.arraycopy(aad, 0, out, id.length, aad.length);
        return out;
    }

    private static ProblemException notConfigured() {
        return new ProblemException(Problem.of(jakarta.ws.rs.core.Response.Status.SERVICE_UNAVAILABLE,
                "secrets-not-configured", "Namespace secrets are off: the operator has not set "
                        + "strata.secrets.master-key (STRATA_SECRETS_MASTER_KEY, base64 of 32 random bytes)."));
    }
}
