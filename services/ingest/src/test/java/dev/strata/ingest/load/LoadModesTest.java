package dev.strata.ingest.load;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.ingest.IngestTestSupport;

/** replace, append and merge; evolve adds columns; declared columns win over inference. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class LoadModesTest {

    private static final String APPEND = ",\"loadMode\":\"append\"";

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;

    @BeforeEach
    void setUp() {
        it = new IngestTestSupport(stack);
    }

    private JsonPath load(String name, String file, String csv, String options) {
        String url = serve("/" + name + "/" + file, csv);
        return it.load("""
                {"namespace":"sales","name":"%s","source":{"kind":"http","url":"%s"},"format":{"type":"csv"}%s}
                """.formatted(name, url, options));
    }

    @Test
    void appendAddsAndReplaceSwapsTheRows() throws Exception {
        String name = unique("modes");
        String table = "sales__raw." + name;
        assertEquals("succeeded", load(name, "a.csv", "id,v\n1,a\n2,b\n", ",\"loadMode\":\"append\"")
                .getString("status"));
        JsonPath second = load(name, "b.csv", "id,v\n3,c\n", ",\"loadMode\":\"append\"");
        assertEquals("succeeded", second.getString("status"));
        assertEquals(List.of("1|a", "2|b", "3|c"), it.rows("SELECT * FROM " + table + " ORDER BY id"));

        JsonPath replaced = load(name, "c.csv", "id,v\n7,x\n8,y\n", ",\"loadMode\":\"replace\"");
        assertEquals("succeeded", replaced.getString("status"));
        assertEquals(List.of("7|x", "8|y"), it.rows("SELECT * FROM " + table + " ORDER BY id"));
    }

    @Test
    void withoutALoadModeASecondLoadReplacesTheRowsAsTheRegistryDefaultSays() throws Exception {
        String name = unique("default");
        assertEquals("succeeded", load(name, "a.csv", "id,v\n1,a\n2,b\n", "").getString("status"));
        JsonPath again = load(name, "a.csv", "id,v\n1,a\n2,b\n", "");
        assertEquals("succeeded", again.getString("status"), again::prettify);
        assertEquals(List.of("1|a", "2|b"), it.rows("SELECT * FROM sales__raw." + name + " ORDER BY id"));
    }

    @Test
    void mergeUpdatesByKeyAndInsertsTheRestLastRowOfAKeyWins() throws Exception {
        String name = unique("merge");
        String table = "sales__raw." + name;
        String merge = ",\"loadMode\":\"merge\",\"mergeKey\":[\"id\"]";
        assertEquals("succeeded", load(name, "a.csv", "id,v,n\n1,a,10\n2,b,20\n", merge).getString("status"));
        JsonPath second = load(name, "b.csv", "id,v,n\n2,B,21\n3,c,30\n3,C,31\n", merge);
        assertEquals("succeeded", second.getString("status"), second::prettify);
        assertEquals(List.of("1|a|10", "2|B|21", "3|C|31"), it.rows("SELECT * FROM " + table + " ORDER BY id"));
    }

    @Test
    void evolveAddsNewColumnsAndReportsATypeTheFileNoLongerMatches() throws Exception {
        String name = unique("evolve");
        String table = "sales__raw." + name;
        assertEquals("succeeded", load(name, "a.csv", "id,qty\n1,5\n", APPEND).getString("status"));
        JsonPath second = load(name, "b.csv", "id,qty,color\n2,6,red\n", APPEND + ",\"contract\":\"evolve\"");
        assertEquals("succeeded", second.getString("status"), second::prettify);
        assertEquals(List.of("id:integer", "qty:integer", "color:text"), it.columnTypes("sales__raw", name));
        assertEquals(List.of("1|5|∅", "2|6|red"), it.rows("SELECT * FROM " + table + " ORDER BY id"));
        assertTrue(second.getList("notes").toString().contains("column color added as text"), second::prettify);

        JsonPath changed = load(name, "c.csv", "id,qty,color\n3,6.5,blue\n", APPEND + ",\"contract\":\"evolve\"");
        assertEquals("failed", changed.getString("status"));
        assertEquals("c.csv: line 2, column qty, value '6.5' is not a valid integer; contract evolve fails the load "
                + "on a row that does not fit (nothing was loaded)", changed.getString("error"));
        assertEquals(2, it.count("SELECT count(*) FROM " + table));
    }

    @Test
    void declaredColumnsWinOverInference() throws Exception {
        String name = unique("declared");
        JsonPath run = load(name, "a.csv", "id,code\n1,007\n", ",\"columns\":[{\"name\":\"id\",\"type\":\"bigint\"},"
                + "{\"name\":\"code\",\"type\":\"text\",\"description\":\"a zero-padded code\"}]");
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals(List.of("id:bigint", "code:text"), it.columnTypes("sales__raw", name));
        assertEquals(List.of("1|007"), it.rows("SELECT * FROM sales__raw." + name));
        assertEquals(List.of("a zero-padded code"), it.rows("SELECT col_description('sales__raw." + name
                + "'::regclass, 2)"));
    }
}
