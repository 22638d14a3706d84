package dev.strata.auth.user;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class UserManagementTest {

    @Test
    void aUserChangesItsOwnPasswordAndItsOtherSessionsEnd() {
        String username = Admin.unique("pam");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        Oidc.Tokens session = Oidc.login(username, password);
        String next = Admin.newPassword();

        Oidc.bearer(session.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("currentPassword", Admin.newPassword(), "newPassword", next))
                .put("/api/v1/me/password").then().statusCode(400).body("detail", containsString("current password"));
        Oidc.bearer(session.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("currentPassword", password, "newPassword", "too-short"))
                .put("/api/v1/me/password").then().statusCode(400).body("detail", containsString("12"));
        Oidc.bearer(session.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("currentPassword", password, "newPassword", next))
                .put("/api/v1/me/password").then().statusCode(204);

        Oidc.refresh(Oidc.CLI, session.refreshToken()).then().statusCode(400);
        Oidc.signIn(Oidc.authorizeParams(Oidc.CLI, Oidc.CLI_REDIRECT, Oidc.newVerifier()), username, password)
                .then().statusCode(200).body(containsString("not correct"));
        Oidc.login(username, next);
    }

    @Test
    void anAdminCreatesListsDisablesAndDeletesUsers() {
        String username = Admin.unique("dan");
        String password = Admin.newPassword();
        UUID id = Admin.createUser(username, password);
        Oidc.bearer(Admin.token()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", Admin.newPassword())).post("/api/v1/users").then()
                .statusCode(409).contentType("application/problem+json");
        Oidc.bearer(Admin.token()).get("/api/v1/users").then().statusCode(200).body("username", hasItem(username))
                .body(not(containsString("password")));

        Oidc.bearer(Admin.token()).contentType(ContentType.JSON).body(Map.of("disabled", true))
                .patch("/api/v1/users/" + id).then().statusCode(200).body("disabled", equalTo(true));
        Oidc.signIn(Oidc.authorizeParams(Oidc.CLI, Oidc.CLI_REDIRECT, Oidc.newVerifier()), username, password)
                .then().statusCode(200).body(containsString("disabled"));

        Oidc.bearer(Admin.token()).delete("/api/v1/users/" + id).then().statusCode(204);
        Oidc.bearer(Admin.token()).get("/api/v1/users/" + id).then().statusCode(404)
                .contentType("application/problem+json");
    }
}
