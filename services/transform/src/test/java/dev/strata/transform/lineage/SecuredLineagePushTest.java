package dev.strata.transform.lineage;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.security.Grants;
import dev.strata.security.Role;
import dev.strata.security.StrataClaims;
import dev.strata.security.client.ServiceAccountToken;

/**
 * The lineage push against a secured lineage endpoint: the endpoint checks the bearer token as every Strata service
 * does (RS256 signature against the real auth service's JWKS, issuer, audience {@code strata}, expiry) and the
 * registry's rule for {@code PUT /api/v1/lineage/{namespace}/{name}} (engineer in the namespace). Transform gets its
 * token from the real auth service with client_credentials.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredLineagePushTest {

    @InjectDevStack
    DevStack stack;

    HttpServer registry;
    String registryUrl;
    final List<String> accepted = new CopyOnWriteArrayList<>();
    JwtConsumer verifier;

    @BeforeAll
    void securedRegistry() throws IOException {
        String issuer = stack.auth().issuer();
        verifier = new JwtConsumerBuilder().setRequireExpirationTime().setRequireSubject()
                .setExpectedIssuer(issuer).setExpectedAudience(StrataClaims.AUDIENCE)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(issuer
                        + "/oauth2/jwks")))
                .build();
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/api/v1/lineage/", this::lineage);
        registry.start();
        registryUrl = "http://127.0.0.1:" + registry.getAddress().getPort();
    }

    @AfterAll
    void stop() {
        registry.stop(0);
    }

    /** PUT /api/v1/lineage/{namespace}/{name}: 401 without a valid token, 403 without engineer in the namespace. */
    private void lineage(HttpExchange exchange) throws IOException {
        try (exchange) {
            String namespace = exchange.getRequestURI().getPath().split("/")[4];
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            if (header == null || !header.startsWith("Bearer ")) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            JwtClaims claims;
            try {
                claims = verifier.processToClaims(header.substring(7));
            } catch (InvalidJwtException e) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> grants = (Map<String, ?>) claims.getClaimValue(StrataClaims.NAMESPACES, Map.class);
            if (!Grants.fromClaim(grants).allows(namespace, Role.ENGINEER)) {
                exchange.sendResponseHeaders(403, -1);
                return;
            }
            accepted.add(claims.getSubject() + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
        } catch (Exception e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    /** A new service account of the real auth service bound to {@code namespace → role}: client id and secret. */
    String[] serviceAccount(String name, String namespace, String role) {
        IssuerClient issuer = new IssuerClient(stack.auth());
        String admin = issuer.adminToken();
        if (!"*".equals(namespace)) {
            given().baseUri(stack.auth().issuer()).auth().oauth2(admin).contentType("application/json")
                    .body("{\"name\":\"" + namespace + "\"}").post("/api/v1/namespaces");
        }
        JsonPath created = given().baseUri(stack.auth().issuer()).auth().oauth2(admin).contentType(
                "application/json").body(
                        "{\"name\":\"" + name + "\",\"bindings\":[{\"namespace\":\"" + namespace
                                + "\",\"role\":\"" + role + "\"}]}")
                .post("/api/v1/service-accounts").then().statusCode(201).extract().jsonPath();
        return new String[]{created.getString("clientId"), created.getString("clientSecret")};
    }

    LineageClient client(String clientId, String secret) {
        ServiceAccountToken token = clientId == null
                ? null
                : new ServiceAccountToken(URI.create(stack.auth()
                        .issuer() + "/oauth2/token"), clientId, secret, Duration.ofSeconds(10));
        return new LineageClient(LineageTest.config(Optional.of(registryUrl)), token);
    }

    static final List<Upstream> UPSTREAM = List.of(new Upstream("lineagens.orders", List.of(
            new Upstream.ColumnMapping("amount", "double_amount"))));

    @Test
    void theServiceAccountsTokenIsAccepted() {
        String[] sa = serviceAccount("transform-lineage", "lineagens", "engineer");
        LineageClient client = client(sa[0], sa[1]);
        assertEquals(204, client.push("lineagens", "enriched", UPSTREAM));
        assertEquals(204, client.push("lineagens", "enriched", UPSTREAM), "the cached token is used again");
        assertEquals(List.of("sa:transform-lineage PUT /api/v1/lineage/lineagens/enriched"
                + " {\"upstream\":[{\"dataset\":\"lineagens.orders\",\"columns\":[{\"from\":\"amount\","
                + "\"to\":\"double_amount\"}]}]}"), accepted.stream().distinct().toList());
        assertEquals(2, accepted.size());
    }

    @Test
    void withoutATokenOrWithTooLittleRoleTheRegistryRefuses() {
        int before = accepted.size();
        assertEquals(401, client(null, null).push("lineagens", "enriched", UPSTREAM), "no service account");
        String[] viewer = serviceAccount("transform-viewer", "lineagens", "viewer");
        assertEquals(403, client(viewer[0], viewer[1]).push("lineagens", "enriched", UPSTREAM));
        String[] elsewhere = serviceAccount("transform-elsewhere", "otherns", "engineer");
        assertEquals(403, client(elsewhere[0], elsewhere[1]).push("lineagens", "enriched", UPSTREAM));
        assertEquals(before, accepted.size());
    }

    @Test
    void aWrongSecretGetsNoTokenAndTheBuildGoesOn() {
        String[] sa = serviceAccount("transform-wrong", "lineagens", "engineer");
        int before = accepted.size();
        assertEquals(-1, client(sa[0], sa[1] + "x").push("lineagens", "enriched", UPSTREAM));
        assertEquals(before, accepted.size());
        assertTrue(sa[1].startsWith("strata_sas_"), "a real service-account secret was used");
    }
}
