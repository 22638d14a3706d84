package dev.strata.registry.lineage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.registry.testing.Callers;

/** The transform engine pushes model- and column-level lineage; people read it as a graph. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class LineageTest {

    @InjectDevStack
    DevStack stack;

    private RequestSpecification transform() {
        return given().auth().oauth2(Callers.token(stack, Map.of("flow", "engineer", "vault", "engineer")))
                .contentType(ContentType.JSON);
    }

    private RequestSpecification flowReader() {
        return given().auth().oauth2(Callers.token(stack, Map.of("flow", "viewer")));
    }

    @Test
    void pushedEdgesFormAGraphUpAndDownWithColumnLineage() {
        given().auth().oauth2(Callers.token(stack, Map.of("flow", "engineer"))).contentType(ContentType.JSON)
                .body("{\"namespace\":\"flow\",\"name\":\"raw_orders\",\"layer\":\"raw\"}").post("/api/v1/datasets")
                .then().statusCode(201);
        transform().body("""
                {"upstream":[{"dataset":"flow.raw_orders","columns":[{"from":"id","to":"order_id"},
                                                                     {"from":"amt","to":"amount"}]}]}
                """).put("/api/v1/lineage/flow/orders").then().statusCode(200)
                .body("edges[0].upstream", equalTo("flow.raw_orders"))
                .body("edges[0].downstream", equalTo("flow.orders"))
                .body("edges[0].columns", equalTo(List.of(Map.of("from", "id", "to", "order_id"),
                        Map.of("from", "amt", "to", "amount"))));
        transform().body("{\"upstream\":[{\"dataset\":\"flow.orders\",\"columns\":[{\"from\":\"amount\","
                + "\"to\":\"revenue\"}]},{\"dataset\":\"flow.customers\"}]}")
                .put("/api/v1/lineage/flow/sales_summary").then().statusCode(200);

        flowReader().get("/api/v1/lineage/flow/sales_summary?direction=up&depth=5").then().statusCode(200)
                .body("root", equalTo("flow.sales_summary"))
                .body("nodes.dataset", containsInAnyOrder("flow.sales_summary", "flow.orders", "flow.customers",
                        "flow.raw_orders"))
                .body("nodes.find { it.dataset == 'flow.raw_orders' }.layer", equalTo("raw"))
                .body("nodes.find { it.dataset == 'flow.orders' }.registered", equalTo(false))
                .body("edges.collect { it.upstream + '>' + it.downstream }", containsInAnyOrder(
                        "flow.orders>flow.sales_summary", "flow.customers>flow.sales_summary",
                        "flow.raw_orders>flow.orders"));
        flowReader().get("/api/v1/lineage/flow/sales_summary?direction=up&depth=1").then().statusCode(200)
                .body("nodes.dataset", containsInAnyOrder("flow.sales_summary", "flow.orders", "flow.customers"));
        flowReader().get("/api/v1/lineage/flow/raw_orders?direction=down").then().statusCode(200)
                .body("edges.collect { it.upstream + '>' + it.downstream }", containsInAnyOrder(
                        "flow.raw_orders>flow.orders", "flow.orders>flow.sales_summary"));
        flowReader().get("/api/v1/lineage/flow/orders").then().statusCode(200)
                .body("direction", equalTo("both"))
                .body("nodes.dataset", containsInAnyOrder("flow.orders", "flow.raw_orders", "flow.sales_summary"));
    }

    @Test
    void aPushReplacesTheEdgesOfThatDataset() {
        transform().body("{\"upstream\":[{\"dataset\":\"flow.a\"},{\"dataset\":\"flow.b\"}]}")
                .put("/api/v1/lineage/flow/ab").then().statusCode(200);
        transform().body("{\"upstream\":[{\"dataset\":\"flow.c\"}]}").put("/api/v1/lineage/flow/ab").then()
                .statusCode(200);
        flowReader().get("/api/v1/lineage/flow/ab?direction=up").then()
                .body("edges.upstream", equalTo(List.of("flow.c")));
        transform().body("{\"upstream\":[]}").put("/api/v1/lineage/flow/ab").then().statusCode(200);
        flowReader().get("/api/v1/lineage/flow/ab?direction=up").then().body("edges", empty());
    }

    @Test
    void datasetsOfNamespacesTheCallerCannotReadAreLeftOut() {
        transform().body("{\"upstream\":[{\"dataset\":\"vault.payroll\"},{\"dataset\":\"flow.staff\"}]}")
                .put("/api/v1/lineage/flow/headcount").then().statusCode(200);
        flowReader().get("/api/v1/lineage/flow/headcount?direction=up").then().statusCode(200)
                .body("nodes.dataset", containsInAnyOrder("flow.headcount", "flow.staff"))
                .body("edges.upstream", equalTo(List.of("flow.staff")));
        flowReader().get("/api/v1/lineage/vault/payroll").then().statusCode(404);
    }

    @Test
    void badPushesAreRefused() {
        given().auth().oauth2(Callers.token(stack, Map.of("flow", "viewer"))).contentType(ContentType.JSON)
                .body("{\"upstream\":[]}").put("/api/v1/lineage/flow/x").then().statusCode(403);
        transform().body("{\"upstream\":[{\"dataset\":\"orders\"}]}").put("/api/v1/lineage/flow/x").then()
                .statusCode(400).body("detail", containsString("write <namespace>.<name>"));
        transform().body("{\"upstream\":[{\"dataset\":\"flow.x\"}]}").put("/api/v1/lineage/flow/x").then()
                .statusCode(400).body("detail", containsString("its own upstream"));
        transform().body("{\"upstream\":[{\"dataset\":\"flow.y\",\"columns\":[{\"from\":\"a\"}]}]}")
                .put("/api/v1/lineage/flow/x").then().statusCode(400).body("detail", containsString("'to'"));
        given().auth().oauth2(Callers.token(stack, Map.of("flow", "engineer"))).contentType(ContentType.JSON)
                .body("{\"upstream\":[{\"dataset\":\"vault.payroll\"}]}").put("/api/v1/lineage/flow/x").then()
                .statusCode(400).body("detail", containsString("cannot read namespace 'vault'"));
        flowReader().get("/api/v1/lineage/flow/x?direction=sideways").then().statusCode(400);
        flowReader().get("/api/v1/lineage/flow/x?depth=99").then().statusCode(400);
    }
}
