package dev.strata.devstack.quarkus;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.restassured.response.Response;

import dev.strata.devstack.DevStack;

/**
 * The namespace wall in a service's API, against the real issuer of the dev stack: for every resource type the service
 * holds, a caller of namespace B — even B's admin — can neither list, read, change nor trigger anything of namespace A,
 * and A's resources are unchanged afterwards. A service test extends this class ({@code @QuarkusTest},
 * {@code @WithTestResource(DevStackResource.class)} with the {@code auth} component), creates one of each of its
 * resource types in A in {@link #resourcesOf}, and names the requests that touch them.
 *
 * <p>
 * What Postgres itself refuses (a model or {@code sql} task of A reaching for B) is proven in {@code libs/warehouse}
 * and in each worker's own isolation test; this contract is the API half.
 */
public abstract class NamespaceIsolationContractTest {

    @InjectDevStack
    protected DevStack stack;

    /**
     * A request that touches one resource of namespace A: a read ({@code GET}), a change or a trigger. Reads are also
     * made by A's own admin, before and after B's attempts, and must answer the same 2xx body both times.
     *
     * @param kind   what it is, for messages ({@code dataset}, {@code pipeline run}, ...)
     * @param method HTTP method
     * @param path   path with query, e.g. {@code /api/v1/namespaces/a/datasets/orders}
     * @param body   JSON body of a change, or null
     */
    protected record Probe(String kind, String method, String path, String body) {

        public static Probe read(String kind, String path) {
            return new Probe(kind, "GET", path, null);
        }

        public static Probe change(String kind, String method, String path, String body) {
            return new Probe(kind, method, path, body);
        }

        boolean isRead() { return "GET".equals(method); }
    }

    /**
     * Creates one resource of each type this service holds in {@code namespace}, through the API with
     * {@code adminToken} (admin of that namespace), and returns the requests that read, list, change or trigger them.
     * A list in A's namespace counts as a read of A's resources.
     */
    protected abstract List<Probe> resourcesOf(String namespace, String adminToken) throws Exception;

    /**
     * Lists of the caller's own namespace that must not show A's resources: paths in namespace {@code other}, each
     * answered 200 with a body that must not contain {@code marker} (a name unique to A's resources).
     */
    protected List<String> listsOf(String other) {
        return List.of();
    }

    /**
     * Lists or searches that B may ask about A's namespace (e.g. {@code ?namespace=<a>}): each answers 404 with a
     * problem, or 200 showing nothing of A.
     */
    protected List<String> foreignLists(String namespaceOfA) {
        return List.of();
    }

    /** A name no other test uses, valid under the one namespace rule. */
    protected static String uniqueNamespace(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT).replaceAll(
                "^[0-9]", "x");
    }

    @Test
    void anotherNamespaceCannotListReadChangeOrTriggerAnything() throws Exception {
        String a = uniqueNamespace("iso-a");
        String b = uniqueNamespace("iso-b");
        IssuerClient issuer = new IssuerClient(stack.auth());
        String adminOfA = issuer.tokenFor(Map.of(a, "admin"));
        String adminOfB = issuer.tokenFor(Map.of(b, "admin"));
        List<Probe> probes = resourcesOf(a, adminOfA);
        assertFalse(probes.isEmpty(), "a service must name at least one resource");

        List<String> before = new ArrayList<>();
        for (Probe probe : probes) {
            if (probe.isRead()) {
                Response own = send(probe, adminOfA);
                assertTrue(own.statusCode() / 100 == 2, "A's admin must read its own " + probe.kind() + " at "
                        + probe.path() + ", got " + own.statusCode() + ": " + own.asString());
                before.add(own.asString());
            }
        }

        for (Probe probe : probes) {
            Response foreign = send(probe, adminOfB);
            assertEquals(404, foreign.statusCode(), "B's admin reached A's " + probe.kind() + " with "
                    + probe.method() + " " + probe.path() + ": " + foreign.asString());
            assertTrue(foreign.contentType().startsWith("application/problem+json"), probe.method() + " "
                    + probe.path() + " answered 404 without a problem body: " + foreign.contentType());
        }
        for (String list : foreignLists(a)) {
            Response foreign = given().auth().oauth2(adminOfB).get(list);
            assertTrue(foreign.statusCode() == 404 || foreign.statusCode() == 200, list + ": " + foreign.asString());
            String body = foreign.asString();
            assertFalse(foreign.statusCode() == 200 && body.contains("\"" + a + "\""), "B's " + list
                    + " shows A's resources: " + body);
        }
        for (String list : listsOf(b)) {
            Response own = given().auth().oauth2(adminOfB).get(list);
            assertEquals(200, own.statusCode(), list + ": " + own.asString());
            assertFalse(own.asString().contains(a), "B's list " + list + " shows A's resources: " + own.asString());
        }

        int i = 0;
        for (Probe probe : probes) {
            if (probe.isRead()) {
                Response after = send(probe, adminOfA);
                assertEquals(before.get(i++), after.asString(), "A's " + probe.kind() + " at " + probe.path()
                        + " changed after B's attempts");
            }
        }
    }

    private static Response send(Probe probe, String token) {
        var request = given().auth().oauth2(token).accept("application/json");
        if (probe.body() != null) {
            request = request.contentType("application/json").body(probe.body());
        }
        return request.request(probe.method(), probe.path());
    }
}
