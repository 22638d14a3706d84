package dev.strata.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.strata.devstack.KeycloakAdmin;
import dev.strata.devstack.KeycloakServer;

/**
 * A real Keycloak as the external issuer of the service under test: realm {@value #REALM} with Strata roles mapped by
 * {@code libs/security}, and realm {@value #OTHER_REALM}, which the service is not told about. The service gets the
 * {@code strata.security.external.*} keys; the test gets an {@link Issuer} in a field of that type.
 *
 * <p>
 * Realm {@value #BUILT_IN_REALM} stands in for the built-in issuer ({@code strata.auth.issuer}), so that the default
 * tenant is reachable without the auth service; the auth service's own tokens are the subject of the services'
 * {@code SecuredServiceContractTest}.
 */
public class ExternalIssuerResource implements QuarkusTestResourceLifecycleManager {

    public static final String REALM = "acme";
    public static final String OTHER_REALM = "elsewhere";
    public static final String BUILT_IN_REALM = "built-in";
    public static final String CLIENT = "strata";
    public static final String AUDIENCE = "strata";
    /** Realm roles {@code sales:engineer} and {@code viewer}: engineer in sales, viewer everywhere. */
    public static final String ENGINEER = "erin";
    /** Realm role {@code sales:engineer} only: no role that applies everywhere. */
    public static final String SALES_ENGINEER = "sam";
    /** Only Keycloak's default roles. */
    public static final String OUTSIDER = "olga";
    /** Realm role {@code admin}, but in the realm the service does not trust. */
    public static final String STRANGER = "mallory";

    private Path root;
    private KeycloakServer keycloak;
    private Issuer issuer;

    @Override
    public Map<String, String> start() {
        root = Path.of("target", "keycloak-" + UUID.randomUUID().toString().substring(0, 8));
        keycloak = KeycloakServer.startIn(root);
        issuer = new Issuer(keycloak);
        try {
            createRealms(keycloak.admin());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        return Map.of(
                "strata.auth.issuer", keycloak.issuer(BUILT_IN_REALM),
                "strata.security.external.enabled", "true",
                "strata.security.external.issuer", keycloak.issuer(REALM),
                "strata.security.external.audience", AUDIENCE,
                "strata.security.external.client-id", CLIENT);
    }

    private void createRealms(KeycloakAdmin admin) {
        admin.createRealm(BUILT_IN_REALM);

        admin.createRealm(REALM);
        admin.createRealmRole(REALM, "sales:engineer");
        admin.createRealmRole(REALM, "viewer");
        admin.createClient(REALM, CLIENT, issuer.secret(REALM, CLIENT), AUDIENCE);
        admin.createUser(REALM, ENGINEER, issuer.secret(REALM, ENGINEER), List.of("sales:engineer", "viewer"));
        admin.createUser(REALM, SALES_ENGINEER, issuer.secret(REALM, SALES_ENGINEER), List.of("sales:engineer"));
        admin.createUser(REALM, OUTSIDER, issuer.secret(REALM, OUTSIDER), List.of());

        admin.createRealm(OTHER_REALM);
        admin.createRealmRole(OTHER_REALM, "admin");
        admin.createClient(OTHER_REALM, CLIENT, issuer.secret(OTHER_REALM, CLIENT), AUDIENCE);
        admin.createUser(OTHER_REALM, STRANGER, issuer.secret(OTHER_REALM, STRANGER), List.of("admin"));
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(issuer, new TestInjector.MatchesType(Issuer.class));
    }

    @Override
    public void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
        if (root == null || !Files.exists(root)) {
            return;
        }
        // the unzipped distribution and its database are disposable
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: target/ is cleaned by the build anyway
        }
    }

    /** Tokens of the users above, from the real Keycloak; their passwords stay here. */
    public static final class Issuer {

        private static final SecureRandom RANDOM = new SecureRandom();

        private final KeycloakServer keycloak;
        private final Map<String, String> secrets = new ConcurrentHashMap<>();

        Issuer(KeycloakServer keycloak) {
            this.keycloak = keycloak;
        }

        public String issuer(String realm) {
            return keycloak.issuer(realm);
        }

        /** A fresh access token of {@code user} in {@code realm} (the password grant of the client). */
        public String token(String realm, String user) {
            return keycloak.admin().userToken(realm, CLIENT, secret(realm, CLIENT), user, secret(realm, user));
        }

        private String secret(String realm, String name) {
            return secrets.computeIfAbsent(realm + "/" + name, k -> {
                byte[] bytes = new byte[18];
                RANDOM.nextBytes(bytes);
                return HexFormat.of().formatHex(bytes);
            });
        }
    }
}
