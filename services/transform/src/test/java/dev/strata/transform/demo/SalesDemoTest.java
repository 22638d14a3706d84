package dev.strata.transform.demo;

import static dev.strata.transform.TransformStack.count;
import static dev.strata.transform.TransformStack.rows;
import static dev.strata.transform.TransformStack.sql;
import static dev.strata.transform.TransformStack.waitForBuild;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.transform.Archives;
import dev.strata.transform.TransformStack;
import dev.strata.warehouse.NamespaceRoles;

/** The sales medallion of docs/examples/sales, pushed and built end to end through the API, every test passing. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class SalesDemoTest {

    static final Path DEMO = Path.of("../../docs/examples/sales");

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    /** The superuser: asserts what the build wrote, and that nothing else was touched. */
    DataSource warehouse;

    @BeforeEach
    void superuser() {
        warehouse = TransformStack.superuser();
    }

    @Test
    void demoProjectBuildsAndPassesItsTests() throws Exception {
        // a table of another namespace with a demo table's name: the generator must not touch it
        roles.ensure("other");
        sql(warehouse, "create table other__raw.orders (order_id int)", "insert into other__raw.orders values (7)");
        try (Connection c = roles.open("sales")) {
            SalesDemoData.generate(c, "sales", DEMO.resolve("data/generate_raw.sql"), 1);
        }
        assertEquals(List.of(List.of(7)), rows(warehouse, "select order_id from other__raw.orders"));
        String token = new IssuerClient(stack.auth()).tokenFor(Map.of("sales", "engineer"));
        JsonPath pushed = given().auth().oauth2(token).contentType("application/zip")
                .body(Archives.zip("sales/", Archives.folder(DEMO))).post("/api/v1/projects/sales").then()
                .statusCode(201).extract().jsonPath();
        assertEquals("sales", pushed.getString("project"));

        String id = given().auth().oauth2(token).contentType("application/json").body(Map.of())
                .post("/api/v1/projects/sales/sales/builds").then().statusCode(202).extract().jsonPath()
                .getString("id");
        JsonPath build = waitForBuild(token, id);

        List<Map<String, Object>> nodes = build.getList("nodes");
        String notOk = nodes.stream().filter(n -> !List.of("success", "pass").contains(n.get("status")))
                .map(n -> n.get("node") + " " + n.get("status") + ": " + n.get("error"))
                .collect(Collectors.joining("\n"));
        assertEquals("", notOk, "every model builds and every test and freshness check passes");
        assertEquals("success", build.getString("status"));
        Map<String, Long> kinds = nodes.stream().collect(Collectors.groupingBy(n -> (String) n.get("kind"),
                Collectors.counting()));
        assertEquals(10L, kinds.get("model"), "4 bronze views, 3 silver tables, 3 gold marts (one ephemeral inlined)");
        assertEquals(4L, kinds.get("freshness"));
        assertTrue(kinds.get("test") >= 30, "tests on every layer: " + kinds);

        assertEquals("v", relkind("sales__bronze", "brz_orders"));
        assertEquals("r", relkind("sales__silver", "slv_orders_enriched"));
        assertEquals("r", relkind("sales__gold", "gold_daily_sales"));
        assertEquals(2000L, count(warehouse, "select count(*) from sales__silver.slv_orders_enriched"));
        assertEquals(200L, count(warehouse, "select count(*) from sales__gold.gold_customer_metrics"));
        assertEquals(60L, count(warehouse, "select count(*) from sales__gold.gold_product_performance"));

        // revenue agrees between raw lines and the gold mart, computed independently here
        BigDecimal rawRevenue = (BigDecimal) rows(warehouse, "select sum(round(l.quantity * l.unit_price * (1 -"
                + " l.discount_pct / 100.0), 2)) from sales__raw.order_lines l join sales__raw.orders o using (order_id) where"
                + " o.status in ('completed', 'shipped')").get(0).get(0);
        BigDecimal goldRevenue = (BigDecimal) rows(warehouse, "select sum(revenue) from sales__gold.gold_daily_sales")
                .get(0).get(0);
        assertEquals(0, rawRevenue.compareTo(goldRevenue), rawRevenue + " vs " + goldRevenue);
        // year to date on the last day of 2024 is the whole year's revenue
        assertEquals(List.of(List.of(true)), rows(warehouse, "select revenue_ytd = (select sum(revenue) from"
                + " sales__gold.gold_daily_sales where sales_year = 2024) from sales__gold.gold_daily_sales where sales_date ="
                + " date '2024-12-31'"));
        // 7-day moving average on a day is the mean of that day and the 6 before
        assertEquals(List.of(List.of(true)), rows(warehouse, "select d.revenue_ma_7d = round((select avg(revenue)"
                + " from sales__gold.gold_daily_sales w where w.sales_date between d.sales_date - 6 and d.sales_date), 2)"
                + " from sales__gold.gold_daily_sales d where d.sales_date = date '2024-06-30'"));
        assertEquals(List.of(List.of(true)), rows(warehouse, "select bool_and(abc_class in ('A', 'B', 'C')) and"
                + " count(*) filter (where abc_class = 'A') > 0 from sales__gold.gold_product_performance"));
        assertTrue(count(warehouse, "select count(distinct segment) from sales__silver.slv_customer_rfm") >= 4,
                "customers fall into several RFM segments");
    }

    private String relkind(String schema, String name) {
        return (String) rows(warehouse, "select c.relkind::text from pg_class c join pg_namespace n on n.oid ="
                + " c.relnamespace where n.nspname = '" + schema + "' and c.relname = '" + name + "'").get(0).get(0);
    }
}
