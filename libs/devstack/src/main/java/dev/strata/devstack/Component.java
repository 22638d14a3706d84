package dev.strata.devstack;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The infrastructure servers the dev stack can run. */
public enum Component {
    POSTGRES,
    KAFKA,
    S3,
    REDIS,
    /** Not infrastructure: the real auth service (the token issuer), for tests of services that check tokens. */
    AUTH;

    /** The servers Strata runs on: everything but the auth service. */
    public static final Set<Component> INFRASTRUCTURE = java.util.Collections.unmodifiableSet(EnumSet.of(POSTGRES,
            KAFKA, S3, REDIS));

    /** Parses a comma-separated list such as {@code "postgres,kafka"}; blank means all the infrastructure. */
    public static Set<Component> parse(String list) {
        if (list == null || list.isBlank()) {
            return EnumSet.copyOf(INFRASTRUCTURE);
        }
        Set<Component> result = EnumSet.noneOf(Component.class);
        for (String part : list.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            try {
                result.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new DevStackException(
                        "unknown dev-stack component '" + name + "': use any of postgres, kafka, s3, redis, auth");
            }
        }
        return result;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
