package dev.strata.auth.key;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey.OutputControlLevel;
import org.jose4j.jwk.RsaJsonWebKey;

import dev.strata.auth.audit.AuditLog;

/** Creates and rotates signing keys in the database, the source of truth for every replica. */
@ApplicationScoped
public class SigningKeyService {

    public static final String ALGORITHM = "RS256";
    private static final Logger LOG = Logger.getLogger(SigningKeyService.class);

    private final SigningKeyRepository keys;
    private final KeyEncryption encryption;
    private final AuditLog audit;

    SigningKeyService(SigningKeyRepository keys, KeyEncryption encryption, AuditLog audit) {
        this.keys = keys;
        this.encryption = encryption;
        this.audit = audit;
    }

    /** Makes sure a key is active: the first replica to start creates one, the others find it. */
    @Transactional
    public void ensureActiveKey() {
        keys.lock();
        if (keys.active().isEmpty()) {
            String kid = createActive();
            LOG.infof("created signing key %s", kid);
        }
    }

    /**
     * Activates a new key. The old one is retired (its private half erased) but stays published in the JWKS until
     * every token it signed has expired, so no token stops working.
     *
     * @return the new key id
     */
    @Transactional
    public String rotate() {
        keys.lock();
        String previous = keys.active().map(SigningKey::kid).orElse(null);
        keys.retireActive();
        String kid = createActive();
        audit.record("key.rotated", kid, null, previous == null ? Map.of() : Map.of("retired", previous));
        LOG.infof("rotated signing key: %s is active, %s is retired", kid, previous);
        return kid;
    }

    private String createActive() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
            String kid = jwk.calculateBase64urlEncodedThumbprint("SHA-256");
            jwk.setKeyId(kid);
            jwk.setAlgorithm(ALGORITHM);
            jwk.setUse("sig");
            keys.insertActive(kid, ALGORITHM, jwk.toJson(OutputControlLevel.PUBLIC_ONLY),
                    encryption.seal(kid, pair.getPrivate().getEncoded()));
            return kid;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot generate an RSA signing key", e);
        }
    }
}
