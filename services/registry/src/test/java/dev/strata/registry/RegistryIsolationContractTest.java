package dev.strata.registry;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.NamespaceIsolationContractTest;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;

/**
 * The API half of the registry's namespace wall: B's admin can neither list, read, preview, change, share, upload to
 * nor read lineage or quarantined rows of A's dataset. The data half (tables, shares in Postgres) is {@link NamespaceIsolationTest}.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class RegistryIsolationContractTest extends NamespaceIsolationContractTest {

    @Inject
    NamespaceRoles roles;

    @Override
    protected List<Probe> resourcesOf(String ns, String adminToken) throws Exception {
        // the dataset's table, as a load of A makes it (as A's own role), so that A's preview answers
        try (Connection c = roles.open(ns); Statement s = c.createStatement()) {
            s.execute("create table " + Namespaces.schema(ns, "raw") + ".iso_orders (id bigint)");
            s.execute("insert into " + Namespaces.schema(ns, "raw") + ".iso_orders values (1), (2)");
        }
        given().auth().oauth2(adminToken).contentType("application/json").body("""
                {"namespace":"%s","name":"iso_orders","layer":"raw","description":"A's orders",
                 "columns":[{"name":"id","type":"bigint"}]}
                """.formatted(ns)).post("/api/v1/datasets").then().statusCode(201);
        String dataset = "/api/v1/datasets/" + ns + "/iso_orders";
        return List.of(
                Probe.read("dataset", dataset),
                Probe.read("dataset versions", dataset + "/versions"),
                Probe.read("dataset shares", "/api/v1/namespaces/" + ns + "/datasets/iso_orders/shares"),
                Probe.read("lineage", "/api/v1/lineage/" + ns + "/iso_orders"),
                Probe.change("dataset", "PUT", dataset, """
                        {"namespace":"%s","name":"iso_orders","layer":"raw","description":"taken over"}
                        """.formatted(ns)),
                Probe.change("dataset", "DELETE", dataset, null),
                Probe.change("dataset", "POST", "/api/v1/datasets", """
                        {"namespace":"%s","name":"planted","layer":"raw"}""".formatted(ns)),
                Probe.read("preview", dataset + "/preview"),
                Probe.read("quarantined rows", dataset + "/quarantine"),
                Probe.change("share", "POST", "/api/v1/namespaces/" + ns + "/datasets/iso_orders/shares",
                        "{\"namespace\":\"thief\"}"),
                Probe.change("upload", "POST", dataset + "/uploads?filename=x.csv", "\"id\\n1\\n\""));
    }

    @Override
    protected List<String> foreignLists(String namespaceOfA) {
        return List.of("/api/v1/datasets?namespace=" + namespaceOfA, "/api/v1/datasets?include=shared");
    }

    @Override
    protected List<String> listsOf(String other) {
        return List.of("/api/v1/datasets", "/api/v1/datasets?namespace=" + other);
    }
}
