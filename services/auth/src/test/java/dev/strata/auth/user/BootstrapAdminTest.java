package dev.strata.auth.user;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class BootstrapAdminTest {

    @Inject
    AgroalDataSource db;

    @Test
    void theBootstrapAdminIsAdminOfEveryNamespaceWithAHashedPassword() throws Exception {
        Oidc.bearer(Admin.token()).get("/api/v1/me").then().statusCode(200)
                .body("username", equalTo(AuthTestStack.ADMIN)).body("namespaces", equalTo(Map.of("*", "admin")));
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT password_hash FROM users WHERE username = ?")) {
            s.setString(1, AuthTestStack.ADMIN);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                String hash = rs.getString(1);
                assertTrue(hash.startsWith("$argon2id$v=19$"), hash);
                assertFalse(hash.contains(Admin.password()));
            }
        }
    }

    @Test
    void passwordsNeedTwelveCharacters() {
        Oidc.bearer(Admin.token()).contentType(ContentType.JSON)
                .body(Map.of("username", Admin.unique("short"), "password", "elevenchars"))
                .post("/api/v1/users").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("at least 12 characters"));
    }
}
