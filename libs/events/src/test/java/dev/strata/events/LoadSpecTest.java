package dev.strata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class LoadSpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyDefaultIsSetOnce() throws Exception {
        LoadSpec spec = LoadSpec.readStrict(JSON.readTree(
                """
                        {"namespace":"sales-eu","name":"orders","source":{"kind":"HTTP","url":"https://example.com/o.csv"}}"""));
        assertEquals("replace", spec.loadMode());
        assertEquals(LoadModes.DEFAULT, spec.loadMode());
        assertEquals("evolve", spec.contract());
        assertEquals("http", spec.source().kind());
        assertEquals(new LoadSpec.Format("csv", ",", "\"", true, "UTF-8", List.of(""), "auto"), spec.format());
        assertEquals("\t", new LoadSpec.Format("tsv", null, null, null, null, null, null).delimiter());
        assertEquals(List.of(), spec.mergeKey());
        assertEquals("sales-eu.orders", spec.qualifiedName());
    }

    @Test
    void anUnknownFieldIsRefusedWithItsPathAndTheAllowedOnes() throws Exception {
        IllegalArgumentException top = assertThrows(IllegalArgumentException.class, () -> LoadSpec.readStrict(JSON
                .readTree("{\"namespace\":\"sales\",\"name\":\"orders\",\"load_mode\":\"append\"}")));
        assertEquals("unknown field 'load_mode'; the fields here are columns, contract, format, loadMode, mergeKey, "
                + "name, namespace, source", top.getMessage());
        IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> LoadSpec.readStrict(JSON
                .readTree("{\"name\":\"orders\",\"source\":{\"kind\":\"http\",\"uri\":\"x\"}}")));
        assertTrue(nested.getMessage().startsWith("unknown field 'source.uri'; the fields here are bucket, "
                + "connection, credentialsRef, cursorColumn, jdbcUrl, key, kind"), nested.getMessage());
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class, () -> LoadSpec.readStrict(JSON
                .readTree("{\"name\":\"orders\",\"columns\":[{\"name\":\"id\"},{\"name\":\"a\",\"nullable\":true}]}")));
        assertTrue(column.getMessage().startsWith("unknown field 'columns[1].nullable'"), column.getMessage());
    }

    @Test
    void theFieldListsAreTheRecordsComponents() {
        assertEquals(List.of("namespace", "name", "source", "format", "loadMode", "mergeKey", "contract", "columns"),
                LoadSpec.FIELDS);
        assertEquals(List.of("kind", "url", "bucket", "key", "prefix", "jdbcUrl", "table", "cursorColumn",
                "credentialsRef", "connection"), LoadSpec.Source.FIELDS);
        assertEquals(List.of("name", "type", "description"), LoadSpec.Column.FIELDS);
    }

    @Test
    void anIngestRequestCarriesTheSpecTypedAndAnOlderOneReadsWithout() {
        EventCodec codec = new EventCodec();
        LoadSpec spec = new LoadSpec("sales-eu", "orders", LoadSpec.Source.upload("strata-lake",
                "ns/sales-eu/uploads/orders/1/orders.csv"), null, "merge", List.of("order_id"), null, null);
        IngestRequested request = new IngestRequested(UUID.randomUUID(), UUID.randomUUID(), "sales-eu", "orders", 1,
                Map.of("day", "2026-12-07"), "sales-eu", spec);
        IngestRequested read = codec.decode(codec.encode(EventEnvelope.of("/strata/scheduler", "s", request)),
                IngestRequested.class).data();
        assertEquals(spec, read.spec());
        assertEquals(request, read);

        IngestRequested older = codec.decode(codec.encode(EventEnvelope.of("/strata/scheduler", "s",
                new IngestRequested(UUID.randomUUID(), UUID.randomUUID(), "sales", "orders", 1,
                        Map.of("spec", "{}")))),
                IngestRequested.class).data();
        assertNull(older.spec());
        assertEquals("{}", older.params().get("spec"));
    }
}
