package dev.strata.auth.oidc;

/**
 * Ends an OAuth endpoint with an OAuth error. Grants that must keep their side effects when they refuse (a burnt
 * authorization code, a revoked token family, an audited failure) declare
 * {@code @Transactional(dontRollbackOn = OAuthException.class)}.
 */
public class OAuthException extends RuntimeException {

    private final int status;
    private final String error;

    public OAuthException(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public OAuthError body() {
        return new OAuthError(error, getMessage());
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException(400, "invalid_request", description);
    }

    public static OAuthException invalidClient(String description) {
        return new OAuthException(401, "invalid_client", description);
    }

    public static OAuthException invalidGrant(String description) {
        return new OAuthException(400, "invalid_grant", description);
    }

    public static OAuthException unauthorizedClient(String description) {
        return new OAuthException(400, "unauthorized_client", description);
    }

    public static OAuthException unsupportedGrantType(String description) {
        return new OAuthException(400, "unsupported_grant_type", description);
    }
}
