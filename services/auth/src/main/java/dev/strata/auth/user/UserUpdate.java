package dev.strata.auth.user;

/**
 * The body of {@code PATCH /api/v1/users/{id}}: only the fields given change. A new password signs the user out of
 * every session; {@code unlock: true} lifts a lockout.
 */
public record UserUpdate(String email, Boolean disabled, String password, Boolean unlock) {

    @Override
    public String toString() {
        return "UserUpdate[email=" + email + ", disabled=" + disabled + ", unlock=" + unlock + "]";
    }
}
