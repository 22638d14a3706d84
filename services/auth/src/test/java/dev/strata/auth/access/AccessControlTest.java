package dev.strata.auth.access;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;

/** Roles and namespaces as a user meets them: what a viewer may not do, what a namespace hides. */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class AccessControlTest {

    @Test
    void aViewerCannotCreateUsersBindingsOrNamespaces() {
        String ns = Admin.unique("ops");
        Admin.createNamespace(ns);
        String viewer = Admin.userWithRole(Admin.unique("val"), Admin.newPassword(), ns, "viewer").accessToken();

        Oidc.bearer(viewer).contentType(ContentType.JSON)
                .body(Map.of("username", Admin.unique("x"), "password", Admin.newPassword()))
                .post("/api/v1/users").then().statusCode(403).contentType("application/problem+json")
                .body("status", equalTo(403));
        Oidc.bearer(viewer).contentType(ContentType.JSON)
                .body(Map.of("principalKind", "user", "principal", "admin", "namespace", ns, "role", "admin"))
                .post("/api/v1/role-bindings").then().statusCode(403);
        Oidc.bearer(viewer).contentType(ContentType.JSON).body(Map.of("name", Admin.unique("mine")))
                .post("/api/v1/namespaces").then().statusCode(403);
        Oidc.bearer(viewer).get("/api/v1/users").then().statusCode(403);
        Oidc.bearer(viewer).get("/api/v1/audit-events").then().statusCode(403);
        Oidc.bearer(viewer).post("/api/v1/keys/rotate").then().statusCode(403);
        // reading its own namespace is fine
        Oidc.bearer(viewer).get("/api/v1/namespaces/" + ns).then().statusCode(200);
    }

    @Test
    void aUserOfNamespaceASeesNothingOfNamespaceB() {
        String a = Admin.unique("team-a");
        String b = Admin.unique("team-b");
        Admin.createNamespace(a);
        Admin.createNamespace(b);
        String saA = serviceAccount(a);
        String saB = serviceAccount(b);
        String userB = Admin.unique("bea");
        Admin.createUser(userB, Admin.newPassword());
        Admin.bind("user", userB, b, "engineer");
        String tokenA = Admin.userWithRole(Admin.unique("al"), Admin.newPassword(), a, "admin").accessToken();

        Response namespaces = Oidc.bearer(tokenA).get("/api/v1/namespaces");
        namespaces.then().statusCode(200).body("name", equalTo(List.of(a)));
        Oidc.bearer(tokenA).get("/api/v1/namespaces/" + b).then().statusCode(404);

        Oidc.bearer(tokenA).get("/api/v1/service-accounts").then().statusCode(200)
                .body("name", hasItem(saA)).body("name", not(hasItem(saB)))
                .body("bindings.flatten().namespace", everyItem(equalTo(a)));
        String saBId = Oidc.bearer(Admin.token()).get("/api/v1/service-accounts").jsonPath()
                .getString("find { it.name == '" + saB + "' }.id");
        Oidc.bearer(tokenA).get("/api/v1/service-accounts/" + saBId).then().statusCode(404);

        Oidc.bearer(tokenA).get("/api/v1/role-bindings").then().statusCode(200)
                .body("namespace", everyItem(equalTo(a))).body("principal", not(hasItem(userB)));
        Oidc.bearer(tokenA).queryParam("namespace", b).get("/api/v1/role-bindings").then().statusCode(200)
                .body("$", empty());
        String bindingInB = Oidc.bearer(Admin.token()).queryParam("namespace", b).get("/api/v1/role-bindings")
                .jsonPath().getString("find { it.principal == '" + userB + "' }.id");
        Oidc.bearer(tokenA).delete("/api/v1/role-bindings/" + bindingInB).then().statusCode(404);
    }

    @Test
    void aNamespaceAdminGrantsRolesOnlyInItsNamespace() {
        String a = Admin.unique("ns-a");
        String b = Admin.unique("ns-b");
        Admin.createNamespace(a);
        Admin.createNamespace(b);
        String tokenA = Admin.userWithRole(Admin.unique("nadia"), Admin.newPassword(), a, "admin").accessToken();
        String colleague = Admin.unique("colin");
        Admin.createUser(colleague, Admin.newPassword());

        grant(tokenA, colleague, a, "analyst").then().statusCode(201).body("role", equalTo("analyst"));
        grant(tokenA, colleague, a, "engineer").then().statusCode(200).body("role", equalTo("engineer"));
        grant(tokenA, colleague, b, "viewer").then().statusCode(403);
        grant(tokenA, colleague, "*", "viewer").then().statusCode(403);
    }

    private static Response grant(String token, String user, String namespace, String role) {
        return Oidc.bearer(token).contentType(ContentType.JSON)
                .body(Map.of("principalKind", "user", "principal", user, "namespace", namespace, "role", role))
                .post("/api/v1/role-bindings");
    }

    private static String serviceAccount(String namespace) {
        String name = Admin.unique("sa");
        Response created = Oidc.bearer(Admin.token()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "bindings", List.of(Map.of("namespace", namespace, "role", "viewer"))))
                .post("/api/v1/service-accounts");
        created.then().statusCode(201);
        UsedSecrets.add(created.jsonPath().getString("clientSecret"));
        return name;
    }
}
