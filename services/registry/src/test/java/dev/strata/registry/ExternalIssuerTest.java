package dev.strata.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.strata.devstack.quarkus.DevStackResource;

/**
 * A real Keycloak (from its Maven Central distribution) as an external issuer BESIDE the built-in one: its tokens are
 * routed to the external tenant by their issuer and accepted, with Strata roles mapped from its realm roles; tokens of
 * a realm the service was not told about go to the built-in tenant and are refused. Slow: Keycloak takes half a minute
 * to start.
 */
@QuarkusTest
@TestProfile(ExternalIssuerTest.WithKeycloak.class)
@Tag("slow")
class ExternalIssuerTest {

    private static final String ACCESS = "/api/v1/access";

    ExternalIssuerResource.Issuer keycloak;

    @Test
    void aKeycloakTokenIsAcceptedWithRolesMappedToNamespaces() {
        given().auth().oauth2(keycloak.token(ExternalIssuerResource.REALM, ExternalIssuerResource.ENGINEER))
                .get(ACCESS)
                .then().statusCode(200)
                .body("principal", equalTo(ExternalIssuerResource.ENGINEER))
                .body("namespaces", equalTo(Map.of("sales", "engineer", "*", "viewer")));
    }

    @Test
    void aRoleInOneNamespacePassesTheRoleCheckAndGrantsOnlyThatNamespace() {
        given().auth().oauth2(keycloak.token(ExternalIssuerResource.REALM, ExternalIssuerResource.SALES_ENGINEER))
                .get(ACCESS)
                .then().statusCode(200)
                .body("principal", equalTo(ExternalIssuerResource.SALES_ENGINEER))
                .body("namespaces", equalTo(Map.of("sales", "engineer")));
    }

    @Test
    void aKeycloakUserWithoutStrataRolesIsAuthenticatedButForbidden() {
        given().auth().oauth2(keycloak.token(ExternalIssuerResource.REALM, ExternalIssuerResource.OUTSIDER))
                .get(ACCESS)
                .then().statusCode(403);
    }

    @Test
    void aTokenOfAnotherRealmOfTheSameKeycloakIsRefused() {
        given().auth().oauth2(keycloak.token(ExternalIssuerResource.OTHER_REALM, ExternalIssuerResource.STRANGER))
                .get(ACCESS)
                .then().statusCode(401);
    }

    @Test
    void callersWithoutATokenAreRefused() {
        given().get(ACCESS).then().statusCode(401);
    }

    /** Its own application start: the dev stack and Keycloak, started side by side. */
    public static class WithKeycloak implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(DevStackResource.class, Map.of("components", "postgres,kafka,s3"), true),
                    new TestResourceEntry(ExternalIssuerResource.class, Map.of(), true));
        }
    }
}
