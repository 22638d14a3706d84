package dev.strata.auth.key;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Jwts;
import dev.strata.auth.testing.Oidc;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class KeyRotationTest {

    @Inject
    AgroalDataSource db;

    @Test
    void rotationKeepsOldTokensValidAndSignsNewOnesWithTheNewKey() throws Exception {
        String username = Admin.unique("kay");
        String password = Admin.newPassword();
        Admin.createUser(username, password);
        String before = Oidc.login(username, password).accessToken();
        String oldKid = Jwts.header(before).getString("kid");

        String newKid = Oidc.bearer(Admin.token()).post("/api/v1/keys/rotate").then().statusCode(200)
                .body("active", equalTo(true)).extract().path("kid");
        assertNotEquals(oldKid, newKid);

        // no downtime: the token signed before the rotation still works, the JWKS still has its key
        Oidc.bearer(before).get("/api/v1/me").then().statusCode(200);
        List<String> published = given().get("/oauth2/jwks").jsonPath().getList("keys.kid");
        assertTrue(published.containsAll(List.of(newKid, oldKid)), published.toString());
        assertEquals(newKid, published.get(0), "the active key comes first");

        String after = Oidc.login(username, password).accessToken();
        assertEquals(newKid, Jwts.header(after).getString("kid"));
        Oidc.bearer(after).get("/api/v1/me").then().statusCode(200);

        // at rest: the retired key lost its private half, the active one is encrypted under the KEK
        assertNull(privateKeyOf(oldKid));
        assertTrue(privateKeyOf(newKid).startsWith("aes-gcm:"));
    }

    private String privateKeyOf(String kid) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT private_key FROM signing_key WHERE kid = ?")) {
            s.setString(1, kid);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "key " + kid + " is in the database");
                return rs.getString(1);
            }
        }
    }
}
