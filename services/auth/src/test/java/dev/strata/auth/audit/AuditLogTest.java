package dev.strata.auth.audit;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.time.Instant;
import java.util.Map;

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
class AuditLogTest {

    @Test
    void aBindingChangeIsAuditedWithActorAndSourceIp() {
        String ns = Admin.unique("fin");
        Admin.createNamespace(ns);
        String user = Admin.unique("aud");
        Admin.createUser(user, Admin.newPassword());
        String requestId = Admin.unique("req");
        Instant before = Instant.now().minusSeconds(1);

        // as the gateway forwards it: a client-sent X-Forwarded-For, then the address the gateway saw
        Oidc.bearer(Admin.token()).contentType(ContentType.JSON)
                .header("X-Forwarded-For", "198.51.100.66, 203.0.113.7").header("X-Request-Id", requestId)
                .body(Map.of("principalKind", "user", "principal", user, "namespace", ns, "role", "analyst"))
                .post("/api/v1/role-bindings").then().statusCode(201);

        Oidc.bearer(Admin.token()).queryParam("action", "binding.granted").queryParam("namespace", ns)
                .queryParam("since", before.toString()).get("/api/v1/audit-events").then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].actor", equalTo("admin"))
                .body("[0].target", equalTo("user:" + user))
                .body("[0].details.role", equalTo("analyst"))
                .body("[0].sourceIp", equalTo("203.0.113.7"))
                .body("[0].requestId", equalTo(requestId));
    }

    @Test
    void signInsAreAuditedWithTheClientAddress() {
        String user = Admin.unique("sig");
        String password = Admin.newPassword();
        Admin.createUser(user, password);
        Oidc.login(user, password);
        Oidc.bearer(Admin.token()).queryParam("action", "login.succeeded").queryParam("actor", user)
                .get("/api/v1/audit-events").then().statusCode(200).body("$", hasSize(1))
                .body("sourceIp", hasItem("127.0.0.1")).body("details.client", hasItem(Oidc.CLI));
    }

    @Test
    void theLogFiltersByTime() {
        Oidc.bearer(Admin.token()).queryParam("since", Instant.now().plusSeconds(3600).toString())
                .get("/api/v1/audit-events").then().statusCode(200).body("$", empty());
        Oidc.bearer(Admin.token()).queryParam("since", "yesterday").get("/api/v1/audit-events").then()
                .statusCode(400).contentType("application/problem+json");
    }
}
