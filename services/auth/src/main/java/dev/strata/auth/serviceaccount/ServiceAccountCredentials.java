package dev.strata.auth.serviceaccount;

/**
 * A service account's client credentials, shown once (at creation or secret rotation): use them with
 * {@code grant_type=client_credentials} at {@code /oauth2/token}.
 */
public record ServiceAccountCredentials(ServiceAccountView serviceAccount, String clientId, String clientSecret) {
}
