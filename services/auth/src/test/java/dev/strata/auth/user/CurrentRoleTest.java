package dev.strata.auth.user;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;

/** {@code GET /api/v1/me/namespaces/{ns}}: the caller's role as the bindings stand now, whatever its token says. */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class CurrentRoleTest {

    @Test
    void aRemovedBindingAnswersNoRoleAtOnceForTheSameToken() {
        String ns = Admin.unique("sales");
        String other = Admin.unique("hr");
        Admin.createNamespace(ns);
        Admin.createNamespace(other);
        String username = Admin.unique("ana");
        Admin.createUser(username, passwordOf(username));
        String binding = Admin.bind("user", username, ns, "analyst");
        String token = Oidc.login(username, passwordOf(username)).accessToken();

        role(token, ns).then().statusCode(200).body("namespace", equalTo(ns)).body("role", equalTo("analyst"));
        role(token, other).then().statusCode(200).body("namespace", equalTo(other)).body("role", nullValue());

        Oidc.bearer(Admin.token()).delete("/api/v1/role-bindings/" + binding).then().statusCode(204);
        role(token, ns).then().statusCode(200).body("role", nullValue());
        // the token itself still carries the old claim: only the live answer changed
        Oidc.bearer(token).get("/api/v1/me").then().statusCode(200).body("namespaces." + ns, equalTo("analyst"));

        Admin.bind("user", username, ns, "viewer");
        role(token, ns).then().statusCode(200).body("role", equalTo("viewer"));
    }

    @Test
    void aStarBindingCountsInEveryNamespaceAndTheHigherRoleWins() {
        String ns = Admin.unique("ops");
        Admin.createNamespace(ns);
        String username = Admin.unique("sam");
        Admin.createUser(username, passwordOf(username));
        Admin.bind("user", username, "*", "viewer");
        String token = Oidc.login(username, passwordOf(username)).accessToken();

        role(token, ns).then().statusCode(200).body("role", equalTo("viewer"));
        role(token, "no-such-namespace").then().statusCode(200).body("role", equalTo("viewer"));
        Admin.bind("user", username, ns, "engineer");
        role(token, ns).then().statusCode(200).body("role", equalTo("engineer"));
    }

    @Test
    void aDisabledUserHasNoRole() {
        String ns = Admin.unique("fin");
        Admin.createNamespace(ns);
        String username = Admin.unique("dora");
        UUID id = Admin.createUser(username, passwordOf(username));
        Admin.bind("user", username, ns, "admin");
        String token = Oidc.login(username, passwordOf(username)).accessToken();
        role(token, ns).then().statusCode(200).body("role", equalTo("admin"));

        Oidc.bearer(Admin.token()).contentType(ContentType.JSON).body(Map.of("disabled", true))
                .patch("/api/v1/users/" + id).then().statusCode(200);
        role(token, ns).then().statusCode(200).body("role", nullValue());
    }

    @Test
    void aServiceAccountGetsItsOwnLiveRole() {
        String ns = Admin.unique("etl");
        Admin.createNamespace(ns);
        String name = Admin.unique("loader");
        String token = Admin.serviceAccountToken(name, ns, "engineer");

        role(token, ns).then().statusCode(200).body("role", equalTo("engineer"));
        String binding = Oidc.bearer(Admin.token()).queryParam("namespace", ns).get("/api/v1/role-bindings")
                .jsonPath().getString("find { it.principal == '" + name + "' }.id");
        Oidc.bearer(Admin.token()).delete("/api/v1/role-bindings/" + binding).then().statusCode(204);
        role(token, ns).then().statusCode(200).body("role", nullValue());
    }

    @Test
    void aBadNamespaceIsABadRequestAndNoTokenIsUnauthorized() {
        String token = Admin.token();
        role(token, "Not_Valid").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("Not_Valid"));
        role(token, "a".repeat(31)).then().statusCode(400).contentType("application/problem+json");
        RestAssured.given().get("/api/v1/me/namespaces/sales").then().statusCode(401);
    }

    private static Response role(String token, String namespace) {
        return Oidc.bearer(token).get("/api/v1/me/namespaces/" + namespace);
    }

    private static final Map<String, String> PASSWORDS = new ConcurrentHashMap<>();

    private static String passwordOf(String username) {
        return PASSWORDS.computeIfAbsent(username, u -> Admin.newPassword());
    }
}
