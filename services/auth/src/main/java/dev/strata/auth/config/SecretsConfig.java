package dev.strata.auth.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Per-namespace secrets and connections, under {@code strata.secrets.*} (env: {@code STRATA_SECRETS_*}). */
@ConfigMapping(prefix = "strata.secrets")
public interface SecretsConfig {

    /**
     * The master key (base64 of 32 random bytes, from a Kubernetes Secret) that wraps each secret's data key. Without
     * it the secrets API answers 503: a value is never stored unencrypted.
     */
    Optional<String> masterKey();

    /**
     * Earlier master keys (base64, comma-separated), still read after a rotation; every value read or written is
     * re-wrapped with the current key, and {@code POST /api/v1/secrets/rewrap} re-wraps them all.
     */
    Optional<List<String>> previousMasterKeys();

    /**
     * The service accounts (names, without {@code sa-}) that may resolve connections and secrets: only when they are
     * also bound on {@code *} (which only an admin of every namespace can grant).
     */
    @WithDefault("ingest,notifier")
    List<String> resolvers();

    /** The largest secret value, in bytes (UTF-8). */
    @WithDefault("16384")
    int maxValueBytes();

    /** The most secrets, and separately the most connections, one namespace may hold. */
    @WithDefault("500")
    int maxPerNamespace();
}
