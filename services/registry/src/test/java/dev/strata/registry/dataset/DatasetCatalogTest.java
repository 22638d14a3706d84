package dev.strata.registry.dataset;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Registering, finding, changing and deleting datasets through the REST API, with real tokens and Postgres. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class DatasetCatalogTest {

    private static final String DATASETS = "/api/v1/datasets";

    @InjectDevStack
    DevStack stack;

    private RequestSpecification as(Map<String, String> bindings) {
        return given().auth().oauth2(Callers.token(stack, bindings)).contentType(ContentType.JSON);
    }

    private RequestSpecification engineer() {
        return as(Map.of("shop", "engineer", "people", "engineer"));
    }

    private static String orders(String name, String layer, String tags) {
        return """
                {"namespace":"shop","name":"%s","description":"Orders from the web shop","owner":"data-team",
                 "tags":%s,"layer":"%s",
                 "source":{"kind":"http","url":"https://example.com/orders.csv"},
                 "format":{"type":"csv","delimiter":",","header":true,"nullMarkers":[""]},
                 "loadMode":"merge","mergeKey":["order_id"],"contract":"quarantine",
                 "columns":[{"name":"order_id","type":"bigint","description":"the order"},
                            {"name":"customer_email","type":"text"},
                            {"name":"amount","type":"numeric(12,2)"}]}
                """.formatted(name, tags, layer);
    }

    @Test
    void aSourceNamingAConnectionIsRegisteredOnlyWhenTheNamespaceHasIt() {
        String admin = Callers.admin(stack);
        String auth = stack.auth().issuer();
        for (String ns : List.of("shop", "people")) {
            int status = given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", ns))
                    .post(auth + "/api/v1/namespaces").then().extract().statusCode();
            assertTrue(status == 201 || status == 409, "namespace " + ns + ": " + status);
        }
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("kind", "jdbc", "url",
                "jdbc:postgresql://db.example.com:5432/shop", "user", "reader"))
                .put(auth + "/api/v1/namespaces/shop/connections/shop-db").then().statusCode(anyOf(is(201), is(200)));
        String spec = """
                {"namespace":"%s","name":"%s","layer":"raw",
                 "source":{"kind":"jdbc","connection":"%s","table":"public.orders"%s}}""";

        engineer().body(spec.formatted("shop", "db_orders", "shop-db", "")).post(DATASETS).then().statusCode(201);
        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/db_orders/load-spec").then().statusCode(200)
                .body("source.connection", equalTo("shop-db")).body("source.table", equalTo("public.orders"));

        engineer().body(spec.formatted("shop", "db_missing", "no-such-db", "")).post(DATASETS).then()
                .statusCode(422).body("type", equalTo("urn:strata:problem:unresolved-reference"))
                .body("detail", containsString("source.connection: there is no connection 'no-such-db' in namespace "
                        + "'shop'"));
        engineer().body(spec.formatted("shop", "db_both", "shop-db", ",\"jdbcUrl\":\"jdbc:postgresql://h/db\""))
                .post(DATASETS).then().statusCode(400)
                .body("detail", containsString("source.jdbcUrl comes from the connection"));
        // another namespace does not see shop's connection
        engineer().body(spec.formatted("people", "db_orders", "shop-db", "")).post(DATASETS).then().statusCode(422)
                .body("detail", containsString("no connection 'shop-db' in namespace 'people'"));
        // and a change of the spec is checked the same way
        engineer().body(spec.formatted("shop", "db_orders", "gone-db", "")).put(DATASETS + "/shop/db_orders").then()
                .statusCode(422).body("detail", containsString("'gone-db'"));
    }

    @Test
    void aRegisteredDatasetIsReadBackWithItsLoadSpecAndColumns() {
        engineer().body(orders("orders", "raw", "[\"sales\",\"pii\"]")).post(DATASETS).then().statusCode(201)
                .header("Location", containsString("/api/v1/datasets/shop/orders"))
                .body("namespace", equalTo("shop")).body("name", equalTo("orders"));

        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/orders").then().statusCode(200)
                .body("description", equalTo("Orders from the web shop"))
                .body("owner", equalTo("data-team"))
                .body("tags", equalTo(List.of("sales", "pii")))
                .body("layer", equalTo("raw"))
                .body("warehouseTable", equalTo("shop__raw.orders"))
                .body("source.kind", equalTo("http"))
                .body("source.url", equalTo("https://example.com/orders.csv"))
                .body("format.type", equalTo("csv"))
                .body("loadMode", equalTo("merge"))
                .body("mergeKey", equalTo(List.of("order_id")))
                .body("contract", equalTo("quarantine"))
                .body("columns.name", equalTo(List.of("order_id", "customer_email", "amount")))
                .body("columns.type", equalTo(List.of("bigint", "text", "numeric(12,2)")))
                .body("columns[0].description", equalTo("the order"))
                .body("latestVersion", nullValue());

        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/orders/load-spec").then().statusCode(200)
                .body("namespace", equalTo("shop")).body("name", equalTo("orders"))
                .body("source.kind", equalTo("http")).body("format.header", equalTo(true))
                .body("loadMode", equalTo("merge")).body("contract", equalTo("quarantine"))
                .body("columns", hasSize(3)).body("description", nullValue());
    }

    @Test
    void registeringTheSameDatasetTwiceIsAConflict() {
        engineer().body(orders("returns", "raw", "[]")).post(DATASETS).then().statusCode(201);
        engineer().body(orders("returns", "bronze", "[]")).post(DATASETS).then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("'shop.returns' already exists"));
        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/returns").then().body("layer", equalTo("raw"));
    }

    @Test
    void badInputIsRefusedWithAPlainProblem() {
        engineer().body(orders("refunds", "platinum", "[]")).post(DATASETS).then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("Unknown layer 'platinum': use raw, bronze, silver or gold."));
        engineer().body(orders("Refunds!", "raw", "[]")).post(DATASETS).then().statusCode(400)
                .body("detail", containsString("Dataset name 'Refunds!' is not valid"));
        engineer().body(orders("refunds", "raw", "[]").replace("\"mergeKey\":[\"order_id\"],", "")).post(DATASETS)
                .then().statusCode(400).body("detail", containsString("loadMode 'merge' needs a mergeKey"));
        engineer().body(orders("refunds", "raw", "[]").replace("\"loadMode\":\"merge\"", "\"loadMode\":\"upsert\""))
                .post(DATASETS).then().statusCode(400)
                .body("detail", equalTo("Unknown loadMode 'upsert': use replace, append, merge."));
        engineer().body(orders("refunds", "raw", "[]").replace("\"type\":\"bigint\"", "\"type\":\"int64\""))
                .post(DATASETS).then().statusCode(400)
                .body("detail", containsString("Column 'order_id' has type 'int64'"));
        engineer().body(orders("refunds", "raw", "[]").replace(
                "{\"kind\":\"http\",\"url\":\"https://example.com/orders.csv\"}",
                "{\"kind\":\"jdbc\",\"jdbcUrl\":\"jdbc:postgresql://db:5432/shop?user=app&password=hunter2\","
                        + "\"table\":\"orders\"}"))
                .post(DATASETS).then().statusCode(400)
                .body("detail", equalTo("source.jdbcUrl carries credentials: keep them in a secret and name it in "
                        + "source.credentialsRef instead."))
                .body(org.hamcrest.Matchers.not(containsString("hunter2")));
        engineer().body("{\"namespace\":\"shop\",\"name\":\"refunds\",\"layer\":\"raw\",\"tags\":\"x\"}")
                .post(DATASETS).then().statusCode(400).body("detail", containsString("'tags'"));
        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/refunds").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void anUnknownFieldIsRefusedNamingItAndWhereItIsInsteadOfBeingIgnored() {
        // snake_case for camelCase: the mistake a new user makes, which used to register a dataset without a merge
        engineer().body(orders("refunds", "raw", "[]").replace("\"loadMode\":\"merge\",\"mergeKey\"",
                "\"load_mode\":\"merge\",\"merge_key\"")).post(DATASETS).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:strata:problem:unknown-field"))
                .body("detail", containsString("Unknown field 'load_mode' at $;"))
                .body("detail", containsString("loadMode"));
        engineer().body(orders("refunds", "raw", "[]").replace("\"url\":", "\"merge_key\":[\"id\"],\"url\":"))
                .post(DATASETS).then().statusCode(400)
                .body("detail", containsString("Unknown field 'merge_key' at $.source;"))
                .body("detail", containsString("kind"));
        engineer().body(orders("refunds", "raw", "[]").replace("\"type\":\"text\"", "\"type\":\"text\",\"pii\":true"))
                .post(DATASETS).then().statusCode(400)
                .body("detail", containsString("Unknown field 'pii' at $.columns[1];"));
        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/refunds").then().statusCode(404);
    }

    @Test
    void aDatasetWithoutALoadModeIsReplacedOnEachLoadAsIngestDoes() {
        engineer().body(orders("payouts", "raw", "[]").replace("\"loadMode\":\"merge\",\"mergeKey\":[\"order_id\"],",
                "")).post(DATASETS).then().statusCode(201);
        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/payouts/load-spec").then().statusCode(200)
                .body("loadMode", equalTo("replace"))
                // every default as the one LoadSpec record of libs/events sets it, the same ingest executes
                .body("format.delimiter", equalTo(",")).body("format.encoding", equalTo("UTF-8"))
                .body("format.compression", equalTo("auto"));
    }

    @Test
    void listsFilterByNamespaceTagAndLayerAndSearchNamesAndColumns() {
        engineer().body(orders("invoices", "silver", "[\"finance\"]")).post(DATASETS).then().statusCode(201);
        engineer().body(orders("carts", "bronze", "[\"web\"]")).post(DATASETS).then().statusCode(201);
        engineer().body("""
                {"namespace":"people","name":"employees","layer":"gold","tags":["finance"],
                 "columns":[{"name":"salary_band","type":"text"}]}
                """).post(DATASETS).then().statusCode(201);
        RequestSpecification reader = as(Map.of("shop", "viewer", "people", "viewer"));

        reader.get(DATASETS + "?tag=finance").then().statusCode(200)
                .body("collect { it.namespace + '.' + it.name }", equalTo(List.of("people.employees",
                        "shop.invoices")));
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?tag=finance&namespace=shop").then()
                .body("name", equalTo(List.of("invoices")));
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?layer=bronze&namespace=shop").then()
                .body("name", equalTo(List.of("carts")));
        // search by a part of the name, case-insensitively
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?q=VOICE").then()
                .body("name", equalTo(List.of("invoices")));
        // search by a column name
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?q=salary").then()
                .body("name", equalTo(List.of("employees")));
        // '_' is a literal character, not a LIKE wildcard
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?q=y_b").then()
                .body("name", equalTo(List.of("employees")));
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?q=ryb").then().body("$", empty());
        // a dataset matched by its name and by two of its columns is listed once, in name order with the others
        engineer().body("""
                {"namespace":"people","name":"band_history","layer":"gold",
                 "columns":[{"name":"band","type":"text"},{"name":"band_start","type":"date"}]}
                """).post(DATASETS).then().statusCode(201);
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?q=band").then()
                .body("name", equalTo(List.of("band_history", "employees")));
        // a term shorter than a trigram is still searched (without the index)
        as(Map.of("shop", "viewer", "people", "viewer")).get(DATASETS + "?q=ee").then()
                .body("name", equalTo(List.of("employees")));
        as(Map.of("shop", "viewer")).get(DATASETS + "?layer=diamond").then().statusCode(400)
                .body("detail", containsString("Unknown layer 'diamond'"));
    }

    @Test
    void aCallerBoundToOneNamespaceSeesNothingOfAnother() {
        engineer().body("""
                {"namespace":"people","name":"salaries","layer":"silver","tags":["hidden-tag"],
                 "columns":[{"name":"secret_column","type":"numeric"}]}
                """).post(DATASETS).then().statusCode(201);
        RequestSpecification shopOnly = as(Map.of("shop", "admin"));
        String token = Callers.token(stack, Map.of("shop", "admin"));

        given().auth().oauth2(token).get(DATASETS).then().statusCode(200)
                .body("namespace.unique()", equalTo(List.of("shop")));
        given().auth().oauth2(token).get(DATASETS + "?namespace=people").then().statusCode(200).body("$", empty());
        given().auth().oauth2(token).get(DATASETS + "?q=salar").then().statusCode(200).body("$", empty());
        given().auth().oauth2(token).get(DATASETS + "?q=secret_column").then().statusCode(200).body("$", empty());
        given().auth().oauth2(token).get(DATASETS + "?tag=hidden-tag").then().statusCode(200).body("$", empty());
        // a get answers exactly as for a dataset that does not exist
        String hidden = given().auth().oauth2(token).get(DATASETS + "/people/salaries").then().statusCode(404)
                .extract().path("detail");
        String missing = given().auth().oauth2(token).get(DATASETS + "/people/no_such_thing").then().statusCode(404)
                .extract().path("detail");
        org.junit.jupiter.api.Assertions.assertEquals(missing.replace("no_such_thing", "salaries"), hidden);
        given().auth().oauth2(token).get(DATASETS + "/people/salaries/versions").then().statusCode(404);
        shopOnly.body("{\"layer\":\"gold\"}").put(DATASETS + "/people/salaries").then().statusCode(404);
        given().auth().oauth2(token).delete(DATASETS + "/people/salaries").then().statusCode(404);
        as(Map.of("people", "viewer")).get(DATASETS + "/people/salaries").then().statusCode(200)
                .body("layer", equalTo("silver"));
    }

    @Test
    void aViewerCannotWrite() {
        engineer().body(orders("payments", "raw", "[]")).post(DATASETS).then().statusCode(201);
        RequestSpecification viewer = as(Map.of("shop", "viewer"));
        viewer.body(orders("shipments", "raw", "[]")).post(DATASETS).then().statusCode(403)
                .contentType("application/problem+json");
        as(Map.of("shop", "viewer")).body(orders("payments", "gold", "[]")).put(DATASETS + "/shop/payments").then()
                .statusCode(403);
        as(Map.of("shop", "viewer")).delete(DATASETS + "/shop/payments").then().statusCode(403);
        // a role elsewhere does not help: engineer in 'people' is only a viewer in 'shop'
        as(Map.of("people", "engineer", "shop", "viewer")).body(orders("shipments", "raw", "[]")).post(DATASETS)
                .then().statusCode(403).body("detail", containsString("engineer role in namespace 'shop'"));
        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/payments").then().statusCode(200)
                .body("layer", equalTo("raw"));
        as(Map.of("shop", "viewer")).get(DATASETS + "/shop/shipments").then().statusCode(404);
    }

    @Test
    void anUpdateReplacesTheDescriptionAndSpecAndADeleteRemovesTheDataset() {
        engineer().body(orders("deliveries", "raw", "[\"old\"]")).post(DATASETS).then().statusCode(201);
        engineer().body("""
                {"description":"Parcels handed to carriers","layer":"bronze","tags":["logistics"],
                 "source":{"kind":"s3","bucket":"partner-drop","prefix":"deliveries/"},
                 "format":{"type":"ndjson","compression":"gzip"},"loadMode":"append","contract":"evolve",
                 "columns":[{"name":"parcel_id","type":"uuid"}]}
                """).put(DATASETS + "/shop/deliveries").then().statusCode(200)
                .body("description", equalTo("Parcels handed to carriers"))
                .body("layer", equalTo("bronze")).body("warehouseTable", equalTo("shop__bronze.deliveries"))
                .body("tags", equalTo(List.of("logistics")))
                .body("source.prefix", equalTo("deliveries/")).body("format.compression", equalTo("gzip"))
                .body("loadMode", equalTo("append")).body("mergeKey", empty())
                .body("columns.name", equalTo(List.of("parcel_id")));
        engineer().body("{\"namespace\":\"shop\",\"name\":\"renamed\",\"layer\":\"raw\"}")
                .put(DATASETS + "/shop/deliveries").then().statusCode(400)
                .body("detail", containsString("cannot be renamed"));

        engineer().delete(DATASETS + "/shop/deliveries").then().statusCode(204);
        engineer().get(DATASETS + "/shop/deliveries").then().statusCode(404);
        engineer().delete(DATASETS + "/shop/deliveries").then().statusCode(404);
    }

    @Test
    void everyEndpointNeedsAToken() {
        given().get(DATASETS).then().statusCode(401);
        given().contentType(ContentType.JSON).body(orders("x", "raw", "[]")).post(DATASETS).then().statusCode(401);
    }
}
