package dev.strata.auth.user;

/** The body of {@code PUT /api/v1/me/password}. */
public record PasswordChange(String currentPassword, String newPassword) {

    @Override
    public String toString() {
        return "PasswordChange[]";
    }
}
