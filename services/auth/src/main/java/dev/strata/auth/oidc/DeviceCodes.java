package dev.strata.auth.oidc;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.token.OpaqueTokens;

/**
 * Issues the codes of the device grant: a device code (256 random bits, stored hashed) for the polling client, and a
 * user code of 8 letters without vowels (20^8 ≈ 2.6·10^10, shown as {@code BCDF-GHJK}) that a person types at the
 * verification page, where a sign-in with password (and its lockout) guards it.
 */
@ApplicationScoped
public class DeviceCodes {

    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Issued(String deviceCode, String userCode, Duration expiresIn, Duration interval) {
    }

    private final DeviceAuthorizationRepository repository;
    private final Duration lifespan;
    private final Duration interval;
    private final Clock clock = Clock.systemUTC();

    DeviceCodes(DeviceAuthorizationRepository repository, AuthConfig config) {
        this.repository = repository;
        this.lifespan = config.deviceCodeLifespan();
        this.interval = config.deviceCodeInterval();
    }

    @Transactional
    public Issued issue(String clientId, String scope) {
        String deviceCode = OpaqueTokens.random();
        String userCode;
        do {
            userCode = randomUserCode();
        } while (!repository.insert(OpaqueTokens.hash(deviceCode), userCode, clientId, scope,
                (int) interval.toSeconds(), clock.instant().plus(lifespan)));
        return new Issued(deviceCode, display(userCode), lifespan, interval);
    }

    static String randomUserCode() {
        StringBuilder code = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** {@code BCDFGHJK} → {@code BCDF-GHJK}. */
    static String display(String userCode) {
        return userCode.substring(0, 4) + "-" + userCode.substring(4);
    }

    /** What a person typed, as stored: upper case, without dashes and spaces; null if it cannot be a user code. */
    static String normalize(String typed) {
        if (typed == null || typed.length() > 32) {
            return null;
        }
        String code = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        if (code.length() != 8) {
            return null;
        }
        for (char c : code.toCharArray()) {
            if (ALPHABET.indexOf(c) < 0) {
                return null;
            }
        }
        return code;
    }
}
