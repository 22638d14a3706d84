package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code project validate|compile}: the transform engine on this machine. No platform runs and no context exists
 * (an empty config folder), so any call to a server would fail with exit code 4.
 */
class OfflineProjectTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void noContext() {
        System.setProperty("strata.config.dir", tmp.resolve("no-config").toString());
    }

    @AfterEach
    void forgetConfigDir() {
        System.clearProperty("strata.config.dir");
    }

    private Path project(Map<String, String> files) throws Exception {
        Path root = tmp.resolve("shop");
        Files.createDirectories(root);
        Files.writeString(root.resolve("dbt_project.yml"), """
                name: shop
                models:
                  shop:
                    gold:
                      +materialized: table
                      +schema: gold
                """);
        for (var e : files.entrySet()) {
            Path file = root.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
        }
        return root;
    }

    @Test
    void aBrokenFolderPrintsFileLineColumnAndExitsNonZero() throws Exception {
        Path root = project(Map.of(
                "models/orders.sql", "select 1 as id\n",
                "models/gold/summary.sql", "select *\nfrom {{ ref('ordrs') }}\n",
                "models/gold/keys.sql", "select\n  {{ dbt_utils.generate_surrogate_key(['a']) }} as k\n"));

        Cli.Result validate = Cli.run("project", "validate", root.toString());

        assertEquals(ExitCodes.INVALID, validate.exitCode(), validate.out() + validate.err());
        assertEquals("", validate.out());
        String err = validate.err();
        assertTrue(err.contains(root.resolve("models/gold/keys.sql") + ":2:6: 'dbt_utils' is undefined"), err);
        assertTrue(err.contains(root.resolve("models/gold/summary.sql") + ":2: "), err);
        assertTrue(err.contains("ref('ordrs') names no model or seed of this project (did you mean 'orders'?)"), err);
        assertTrue(err.strip().endsWith("Error: " + root + " does not compile: 2 problems (above); fix them and run"
                + " strata project validate again"), err);

        Cli.Result compile = Cli.run("project", "compile", root.toString());
        assertEquals(ExitCodes.INVALID, compile.exitCode(), compile.err());
        assertTrue(compile.err().contains(root.resolve("models/gold/keys.sql") + ":2:6: "), compile.err());
    }

    @Test
    void aGoodFolderValidatesAndCompilesTheSelectedModelsInBuildOrder() throws Exception {
        Path root = project(Map.of(
                "models/orders.sql", "select 1 as id, {{ var('amount', 5) }} as amount\n",
                "models/gold/summary.sql", "select sum(amount) as total\nfrom {{ ref('orders') }}\n",
                "models/gold/other.sql", "select 2 as id\n"));

        Cli.Result validate = Cli.run("project", "validate", root.toString());
        assertEquals(ExitCodes.OK, validate.exitCode(), validate.err());
        assertEquals(root + ": project shop compiles: 3 models, 0 tests.", validate.out().strip());

        Cli.Result compile = Cli.run("project", "compile", root.toString(), "--select", "+summary", "-n", "sales",
                "--var", "amount=7");
        assertEquals(ExitCodes.OK, compile.exitCode(), compile.err());
        String out = compile.out();
        assertTrue(out.contains("-- orders (models/orders.sql, view -> \"sales__silver\".\"orders\")\n"
                + "select 1 as id, 7 as amount;"), out);
        assertTrue(out.contains("-- summary (models/gold/summary.sql, table -> \"sales__gold\".\"summary\")\n"
                + "select sum(amount) as total\nfrom \"sales__silver\".\"orders\";"), out);
        assertTrue(out.indexOf("-- orders") < out.indexOf("-- summary"), out);
        assertFalse(out.contains("other"), out);

        Cli.Result json = Cli.run("project", "compile", root.toString(), "--select", "summary", "-o", "json");
        assertEquals(ExitCodes.OK, json.exitCode(), json.err());
        JsonNode models = Api.json().readTree(json.out());
        assertEquals(1, models.size(), json.out());
        assertEquals("\"dev__gold\".\"summary\"", models.get(0).path("relation").asText());
        assertTrue(models.get(0).path("sql").asText().contains("from \"dev__silver\".\"orders\""), json.out());
    }

    @Test
    void aBadNamespaceOrFolderIsAUsageError() throws Exception {
        Path root = project(Map.of("models/orders.sql", "select 1 as id\n"));
        Cli.Result ns = Cli.run("project", "validate", root.toString(), "-n", "Sales_Team");
        assertEquals(ExitCodes.USAGE, ns.exitCode(), ns.err());
        assertTrue(ns.err().startsWith("Error: namespace 'Sales_Team' is not valid"), ns.err());

        Cli.Result missing = Cli.run("project", "validate", tmp.resolve("nothing").toString());
        assertEquals(ExitCodes.USAGE, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("is not a folder"), missing.err());
    }
}
