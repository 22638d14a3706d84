package dev.strata.auth.user;

/** The body of {@code POST /api/v1/users}; the password needs at least 12 characters. */
public record NewUser(String username, String email, String password) {

    @Override
    public String toString() {
        return "NewUser[username=" + username + "]";
    }
}
