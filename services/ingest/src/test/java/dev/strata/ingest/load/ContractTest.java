package dev.strata.ingest.load;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Each contract mode with files that break it: nothing half-loaded, and errors that say where. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class ContractTest {

    /** Line 3 is ragged, line 4 has a type violation. */
    static final String BROKEN = "id,amount,name\n1,10,a\n2,20\n3,abc,c\n4,40,d\n";

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;

    @BeforeEach
    void setUp() {
        it = new IngestTestSupport(stack);
    }

    private JsonPath load(String name, String file, byte[] body, String format, String contract) {
        String url = serve("/" + name + "/" + file, body);
        return it.load("""
                {"namespace":"sales","name":"%s","source":{"kind":"http","url":"%s"},"format":%s,
                 "contract":"%s","columns":[{"name":"id","type":"integer"},{"name":"amount","type":"integer"}]}
                """.formatted(name, url, format, contract));
    }

    private JsonPath load(String name, String file, String body, String contract) {
        return load(name, file, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "{\"type\":\"csv\"}",
                contract);
    }

    @Test
    void freezeFailsOnARaggedRowNamingTheLineAndLoadsNothing() throws Exception {
        String name = unique("freeze");
        JsonPath run = load(name, "broken.csv", BROKEN, "freeze");
        assertEquals("failed", run.getString("status"));
        assertEquals("broken.csv: line 3: the row has 2 fields, the header has 3; contract freeze fails the load on "
                + "a row that does not fit (nothing was loaded)", run.getString("error"));
        assertFalse(run.getBoolean("retryable"));
        assertFalse(it.tableExists("sales__raw." + name), "a failed first load leaves no table");
    }

    @Test
    void freezeFailsOnATypeViolationNamingLineColumnAndValue() throws Exception {
        String name = unique("typed");
        JsonPath run = load(name, "typed.csv", "id,amount\n1,10\n2,x9\n", "freeze");
        assertEquals("typed.csv: line 3, column amount, value 'x9' is not a valid integer; contract freeze fails "
                + "the load on a row that does not fit (nothing was loaded)", run.getString("error"));
    }

    @Test
    void freezeRefusesANewColumn() throws Exception {
        String name = unique("frozen");
        assertEquals("succeeded", load(name, "a.csv", "id,amount\n1,10\n", "freeze").getString("status"));
        JsonPath run = load(name, "b.csv", "id,amount,color\n2,20,red\n", "freeze");
        assertEquals("failed", run.getString("status"));
        assertTrue(run.getString("error").contains("the file has column(s) [color] that sales__raw." + name
                + " does not have; contract freeze"), run::prettify);
        assertEquals(1, it.count("SELECT count(*) FROM sales__raw." + name));
    }

    @Test
    void discardRowDropsTheRowsThatDoNotFitAndCountsThem() throws Exception {
        String name = unique("discard");
        JsonPath run = load(name, "broken.csv", BROKEN, "discard_row");
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals(2, run.getLong("rows"));
        assertEquals(2, run.getLong("discarded"));
        assertEquals(List.of("1|10|a", "4|40|d"), it.rows("SELECT * FROM sales__raw." + name + " ORDER BY id"));
    }

    @Test
    void quarantineKeepsTheBadRowsWithTheReason() throws Exception {
        String name = unique("quarantine");
        JsonPath run = load(name, "broken.csv", BROKEN, "quarantine");
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals(2, run.getLong("rows"));
        assertEquals(2, run.getLong("quarantined"));
        assertEquals(List.of("1|10|a", "4|40|d"), it.rows("SELECT * FROM sales__raw." + name + " ORDER BY id"));
        assertEquals(List.of("broken.csv|3|∅|∅|row has 2 fields, the header has 3|20",
                "broken.csv|4|amount|abc|value is not a valid integer|c"),
                it.rows("SELECT file, line, column_name, value, reason, coalesce(record->>'name', record->>'amount') "
                        + "FROM sales__quarantine." + name + " WHERE load_id = '" + run.getString("id")
                        + "' ORDER BY line"));
    }

    @Test
    void badQuotingFailsWithTheLine() throws Exception {
        String name = unique("quoting");
        JsonPath run = load(name, "q.csv", "id,amount,name\n1,10,\"ok\"\n2,20,\"bad\"x\n", "quarantine");
        assertEquals("failed", run.getString("status"));
        assertTrue(run.getString("error").startsWith("q.csv: bad quoting after line 2"), run::prettify);
        assertFalse(it.tableExists("sales__raw." + name));
    }

    @Test
    void invalidUtf8FailsNamingTheEncoding() throws Exception {
        String name = unique("utf8");
        byte[] body = "id,amount,name\n1,10,caf\u00e9\n2,20,x\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        JsonPath run = load(name, "latin1.csv", body, "{\"type\":\"csv\"}", "freeze");
        assertEquals("failed", run.getString("status"));
        assertTrue(run.getString("error").startsWith("latin1.csv: invalid bytes for the file's encoding UTF-8 at line "
                + "2, byte 24"),
                run::prettify);
        assertFalse(it.tableExists("sales__raw." + name));

        JsonPath declared = load(name, "latin1.csv", body, "{\"type\":\"csv\",\"encoding\":\"ISO-8859-1\"}",
                "freeze");
        assertEquals("succeeded", declared.getString("status"), declared::prettify);
        assertEquals(List.of("café"), it.rows("SELECT name FROM sales__raw." + name + " WHERE id = 1"));
    }

    @Test
    void aByteOrderMarkDoesNotBecomePartOfTheFirstColumn() throws Exception {
        String name = unique("bom");
        JsonPath run = load(name, "bom.csv", "\uFEFFid,amount\n1,10\n", "freeze");
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals(List.of("id:integer", "amount:integer"), it.columnTypes("sales__raw", name));
    }

    @Test
    void anEmptyFileFailsAndAHeaderOnlyFileLoadsNoRows() throws Exception {
        String name = unique("empty");
        JsonPath empty = load(name, "empty.csv", "", "freeze");
        assertEquals("failed", empty.getString("status"));
        assertEquals("empty.csv is empty (0 bytes): nothing to load", empty.getString("error"));

        JsonPath header = load(name, "header.csv", "id,amount,name\n", "freeze");
        assertEquals("succeeded", header.getString("status"), header::prettify);
        assertEquals(0, header.getLong("rows"));
        assertEquals(List.of("id:integer", "amount:integer", "name:text"), it.columnTypes("sales__raw", name));
    }

    @Test
    void aBadNdjsonLineFailsWithLineAndColumn() throws Exception {
        String name = unique("badjson");
        String url = serve("/" + name + "/e.ndjson", "{\"id\":1}\n{\"id\":2,}\n");
        JsonPath run = it.load("""
                {"namespace":"sales","name":"%s","source":{"kind":"http","url":"%s"},"format":{"type":"ndjson"}}
                """.formatted(name, url));
        assertEquals("failed", run.getString("status"));
        assertTrue(run.getString("error").startsWith("e.ndjson: line 2, column "), run::prettify);
    }
}
