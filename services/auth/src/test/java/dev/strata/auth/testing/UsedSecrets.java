package dev.strata.auth.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every password, secret and token the tests used, for the test that checks none of them reached the logs. */
public final class UsedSecrets {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private UsedSecrets() {
    }

    public static <T extends CharSequence> T add(T secret) {
        if (secret != null && secret.length() > 0) {
            SECRETS.add(secret.toString());
        }
        return secret;
    }

    public static Set<String> all() {
        return Set.copyOf(SECRETS);
    }
}
