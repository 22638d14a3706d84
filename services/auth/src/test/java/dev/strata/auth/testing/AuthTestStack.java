package dev.strata.auth.testing;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import dev.strata.devstack.quarkus.DevStackResource;

/**
 * The real dev stack (Postgres, Kafka) plus what the auth service needs and no committed file may hold: a bootstrap
 * admin password, a key-encryption key and a confidential client's secret, all random per run. Tests read them from
 * the configuration.
 */
public class AuthTestStack extends DevStackResource {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD_KEY = "strata.auth.bootstrap.admin-password";
    /** A confidential client (with a secret) beside the public ones of application.properties. */
    public static final String CONFIDENTIAL_CLIENT = "confidential-app";
    public static final String CONFIDENTIAL_SECRET_KEY = "strata.auth.clients." + CONFIDENTIAL_CLIENT + ".secret";
    public static final String CONFIDENTIAL_REDIRECT = "https://app.example.com/callback";
    /** A platform service account, as the launcher or the chart configures one. */
    public static final String PLATFORM_ACCOUNT = "platform-transform";
    public static final String PLATFORM_ACCOUNTS_KEY = "strata.auth.bootstrap.service-accounts";
    /** The {@code scripts} account's secret without its {@code strata_sas_} prefix, as in .strata/stack.properties. */
    public static final String SCRIPTS_SECRET_HEX_KEY = "strata.test.scripts-secret-hex";

    /** The master key of namespace secrets' envelope encryption, random per run. */
    public static final String MASTER_KEY = "strata.secrets.master-key";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        SecureRandom random = new SecureRandom();
        byte[] password = new byte[24];
        random.nextBytes(password);
        byte[] kek = new byte[32];
        random.nextBytes(kek);
        config.put("strata.auth.bootstrap.admin-username", ADMIN);
        config.put(ADMIN_PASSWORD_KEY, Base64.getUrlEncoder().withoutPadding().encodeToString(password));
        config.put("strata.auth.key-encryption-key", Base64.getEncoder().encodeToString(kek));
        byte[] clientSecret = new byte[24];
        random.nextBytes(clientSecret);
        config.put("strata.auth.clients." + CONFIDENTIAL_CLIENT + ".redirect-uris", CONFIDENTIAL_REDIRECT);
        config.put(CONFIDENTIAL_SECRET_KEY, Base64.getUrlEncoder().withoutPadding().encodeToString(clientSecret));
        byte[] accountSecret = new byte[24];
        random.nextBytes(accountSecret);
        // and the launcher's account for scripts (README "Tokens for scripts"), its secret as the launcher makes it
        byte[] scriptsSecret = new byte[24];
        random.nextBytes(scriptsSecret);
        String scriptsHex = HexFormat.of().formatHex(scriptsSecret);
        config.put(SCRIPTS_SECRET_HEX_KEY, scriptsHex);
        config.put(PLATFORM_ACCOUNTS_KEY, PLATFORM_ACCOUNT + "="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(accountSecret) + ",scripts=strata_sas_"
                + scriptsHex);
        byte[] masterKey = new byte[32];
        random.nextBytes(masterKey);
        config.put(MASTER_KEY, Base64.getEncoder().encodeToString(masterKey));
        // the platform account stands in for the workers' accounts (ingest, notifier) that resolve connections
        config.put("strata.secrets.resolvers", "ingest,notifier," + PLATFORM_ACCOUNT);
        return config;
    }
}
