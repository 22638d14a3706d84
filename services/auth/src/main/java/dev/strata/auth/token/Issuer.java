package dev.strata.auth.token;

/** The issuer URL as it appears in {@code iss}: without a trailing slash. */
public final class Issuer {

    private Issuer() {
    }

    public static String normalize(String issuer) {
        String trimmed = issuer.trim();
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
