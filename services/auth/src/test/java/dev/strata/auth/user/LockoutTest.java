package dev.strata.auth.user;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class LockoutTest {

    private static final String WRONG = "The username or password is not correct.";
    private static final String LOCKED = "This account is locked after too many failed sign-ins. Try again in 15 "
            + "minutes.";

    @Inject
    AgroalDataSource db;

    @Test
    void fiveFailuresLockTheAccountEvenAgainstTheRightPassword() throws Exception {
        String username = Admin.unique("lou");
        String password = Admin.newPassword();
        UUID id = Admin.createUser(username, password);

        for (int i = 1; i <= 4; i++) {
            attempt(username, Admin.newPassword()).then().statusCode(200).body(containsString(WRONG));
        }
        attempt(username, Admin.newPassword()).then().statusCode(200).body(containsString(LOCKED));
        Response locked = attempt(username, password);
        locked.then().statusCode(200).body(containsString(LOCKED));
        assertNull(locked.header("Location"), "no code while locked");

        Oidc.bearer(Admin.token()).queryParam("action", "user.locked").queryParam("actor", username)
                .get("/api/v1/audit-events").then().statusCode(200).body("$", hasSize(1));
        Oidc.bearer(Admin.token()).queryParam("action", "login.failed").queryParam("actor", username)
                .get("/api/v1/audit-events").then().statusCode(200).body("$", hasSize(6))
                .body("details.reason", hasItem("locked"));
        Oidc.bearer(Admin.token()).get("/api/v1/users/" + id).then().body("locked", is(true));

        // fifteen minutes later, as far as the database is concerned: the right password works again
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE users SET locked_until = now() - interval '1 second' WHERE id = ?")) {
            s.setObject(1, id);
            assertEquals(1, s.executeUpdate());
        }
        assertEquals(302, attempt(username, password).statusCode());
    }

    @Test
    void anUnknownUsernameGetsExactlyTheSameAnswers() {
        String nobody = Admin.unique("nobody");
        for (int i = 1; i <= 4; i++) {
            attempt(nobody, Admin.newPassword()).then().statusCode(200).body(containsString(WRONG));
        }
        attempt(nobody, Admin.newPassword()).then().statusCode(200).body(containsString(LOCKED));
        attempt(nobody, Admin.newPassword()).then().statusCode(200).body(containsString(LOCKED));
    }

    @Test
    void anAdminCanUnlockAnAccount() {
        String username = Admin.unique("una");
        String password = Admin.newPassword();
        UUID id = Admin.createUser(username, password);
        for (int i = 1; i <= 5; i++) {
            attempt(username, Admin.newPassword());
        }
        attempt(username, password).then().body(containsString(LOCKED));
        Oidc.bearer(Admin.token()).contentType(ContentType.JSON).body(Map.of("unlock", true))
                .patch("/api/v1/users/" + id).then().statusCode(200).body("locked", is(false));
        assertEquals(302, attempt(username, password).statusCode());
    }

    private static Response attempt(String username, String password) {
        return Oidc.signIn(Oidc.authorizeParams(Oidc.CLI, Oidc.CLI_REDIRECT, Oidc.newVerifier()), username,
                password);
    }
}
