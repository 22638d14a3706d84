package dev.strata.auth.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the auth service, under {@code strata.auth.*} (env: {@code STRATA_AUTH_*}). */
@ConfigMapping(prefix = "strata.auth")
public interface AuthConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The issuer URL: {@code iss} of every token and the base of every endpoint in the discovery document. */
    String issuer();

    /** Lifetime of access and ID tokens. */
    @WithDefault("10m")
    Duration accessTokenLifespan();

    /** Lifetime of a refresh token; each refresh rotates it and starts a new lifetime. */
    @WithDefault("8h")
    Duration refreshTokenLifespan();

    /** Lifetime of an authorization code. */
    @WithDefault("1m")
    Duration authorizationCodeLifespan();

    /** Lifetime of a device code and its user code (OAuth device grant, RFC 8628). */
    @WithDefault("10m")
    Duration deviceCodeLifespan();

    /** The least time between two polls of one device code; a faster poll answers {@code slow_down}. */
    @WithDefault("5s")
    Duration deviceCodeInterval();

    /**
     * AES key (base64 of 16, 24 or 32 random bytes) that encrypts the signing keys' private halves in the database.
     * Production must set it (from a Kubernetes Secret); without it private keys are stored unencrypted.
     */
    Optional<String> keyEncryptionKey();

    /** How often a replica re-reads the signing keys (it also re-reads at once for a token with an unknown kid). */
    @WithDefault("1m")
    Duration keyRefreshInterval();

    Lockout lockout();

    Bootstrap bootstrap();

    ApiTokens apiTokens();

    Audit audit();

    /** The public OAuth clients (code flow + PKCE), by client id. */
    Map<String, Client> clients();

    interface Lockout {
        /** Failed sign-ins in a row that lock an account. */
        @WithDefault("5")
        int maxFailures();

        /** How long a locked account stays locked. */
        @WithDefault("15m")
        Duration duration();
    }

    interface Bootstrap {
        /** The first admin's username ({@code STRATA_AUTH_BOOTSTRAP_ADMIN_USERNAME}); used only when no admin exists. */
        Optional<String> adminUsername();

        /** The first admin's password ({@code STRATA_AUTH_BOOTSTRAP_ADMIN_PASSWORD}); no default, ever. */
        Optional<String> adminPassword();

        /**
         * The platform's own service accounts as {@code name=secret} entries ({@code
         * STRATA_AUTH_BOOTSTRAP_SERVICE_ACCOUNTS}, comma-separated), each kept with engineer on '*'.
         */
        Optional<List<String>> serviceAccounts();
    }

    interface ApiTokens {
        /** The longest lifetime a personal API token may be created with. */
        @WithDefault("365d")
        Duration maxLifespan();
    }

    interface Audit {
        /**
         * Take the client address from the last {@code X-Forwarded-For} entry (the one the gateway appended) instead of
         * the connection's remote address. Turn off when auth is reachable without the gateway.
         */
        @WithDefault("true")
        boolean trustForwardedFor();
    }

    interface Client {
        /**
         * Allowed redirect URIs, compared exactly; a loopback URI without a port ({@code http://127.0.0.1/callback})
         * allows any port, as native apps need (RFC 8252).
         */
        List<String> redirectUris();

        /** Where {@code /oauth2/logout} may send the browser afterwards (same matching rule). */
        Optional<List<String>> postLogoutRedirectUris();

        /**
         * Makes the client confidential: it must then send this secret (HTTP Basic or {@code client_secret}) to
         * exchange codes, refresh and revoke. From a Secret, never a committed file.
         */
        Optional<String> secret();
    }
}
