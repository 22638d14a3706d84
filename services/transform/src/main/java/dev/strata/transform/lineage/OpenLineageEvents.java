package dev.strata.transform.lineage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.strata.events.DatasetColumn;

/**
 * OpenLineage run events (spec 2-0-2) of one model run: the job is {@code <project>.<model>} in the OpenLineage
 * namespace of the project's Strata namespace, its inputs the relations it reads and its output the relation it
 * writes, each named {@code <schema>.<table>} in the warehouse's dataset namespace (a physical table, whichever Strata
 * namespace's build writes it).
 */
public final class OpenLineageEvents {

    public static final String PRODUCER = "https://github.com/strata/strata/transform";
    public static final String SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    static final String SCHEMA_FACET = "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json"
            + "#/$defs/SchemaDatasetFacet";
    static final String COLUMN_LINEAGE_FACET = "https://openlineage.io/spec/facets/1-2-0/"
            + "ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet";
    static final String ERROR_MESSAGE_FACET = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json"
            + "#/$defs/ErrorMessageRunFacet";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param jobNamespace     the job's namespace: {@code <strata.transform.openlineage.namespace>/<strata namespace>},
     *                         e.g. {@code strata/sales}
     * @param datasetNamespace the warehouse's datasets' namespace, e.g. {@code postgres://warehouse}
     * @param job              {@code <project>.<model>}
     * @param runId            the model run
     * @param inputs           the relations the model reads ({@code <schema>.<table>}), with the columns each feeds
     * @param output           the relation it writes ({@code <schema>.<table>})
     */
    public record ModelRun(String jobNamespace, String datasetNamespace, String job, UUID runId, List<Upstream> inputs,
            String output) {
    }

    private OpenLineageEvents() {
    }

    /**
     * The run id of a model in a build: the same for every attempt of that build (a build claimed again after its
     * worker died), so a consumer sees one run.
     */
    public static UUID runId(UUID buildId, String model) {
        return UUID.nameUUIDFromBytes(("strata.transform:" + buildId + ":" + model).getBytes(StandardCharsets.UTF_8));
    }

    public static ObjectNode start(ModelRun run, Instant at) {
        ObjectNode event = event("START", run, at);
        event.set("outputs", JSON.createArrayNode().add(dataset(run.datasetNamespace(), run.output())));
        return event;
    }

    /**
     * COMPLETE: the output carries its columns ({@code schema}, when known) and which input columns feed each of them
     * ({@code columnLineage}, where the SQL resolves).
     */
    public static ObjectNode complete(ModelRun run, Instant at, List<DatasetColumn> columns) {
        ObjectNode event = event("COMPLETE", run, at);
        ObjectNode output = dataset(run.datasetNamespace(), run.output());
        ObjectNode facets = JSON.createObjectNode();
        if (!columns.isEmpty()) {
            ArrayNode fields = JSON.createArrayNode();
            columns.forEach(c -> fields.addObject().put("name", c.name()).put("type", c.type()));
            facet(facets, "schema", SCHEMA_FACET).set("fields", fields);
        }
        Map<String, ArrayNode> lineage = new LinkedHashMap<>();
        for (Upstream input : run.inputs()) {
            for (Upstream.ColumnMapping m : input.columns()) {
                lineage.computeIfAbsent(m.to(), k -> JSON.createArrayNode()).addObject()
                        .put("namespace", run.datasetNamespace()).put("name", input.dataset()).put("field", m.from());
            }
        }
        if (!lineage.isEmpty()) {
            ObjectNode fields = facet(facets, "columnLineage", COLUMN_LINEAGE_FACET).putObject("fields");
            lineage.forEach((to, from) -> fields.putObject(to).set("inputFields", from));
        }
        if (!facets.isEmpty()) {
            output.set("facets", facets);
        }
        event.set("outputs", JSON.createArrayNode().add(output));
        return event;
    }

    /** FAIL with the error as a person reads it in the build (the database's message; never a stack trace). */
    public static ObjectNode fail(ModelRun run, Instant at, String error) {
        ObjectNode event = event("FAIL", run, at);
        facet((ObjectNode) event.get("run").get("facets"), "errorMessage", ERROR_MESSAGE_FACET)
                .put("message", error == null ? "failed" : error).put("programmingLanguage", "SQL");
        event.set("outputs", JSON.createArrayNode().add(dataset(run.datasetNamespace(), run.output())));
        return event;
    }

    private static ObjectNode event(String type, ModelRun run, Instant at) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventType", type);
        event.put("eventTime", at.toString());
        event.put("producer", PRODUCER);
        event.put("schemaURL", SCHEMA_URL);
        ObjectNode r = event.putObject("run");
        r.put("runId", run.runId().toString());
        r.putObject("facets");
        event.putObject("job").put("namespace", run.jobNamespace()).put("name", run.job());
        ArrayNode inputs = event.putArray("inputs");
        run.inputs().forEach(i -> inputs.add(dataset(run.datasetNamespace(), i.dataset())));
        return event;
    }

    private static ObjectNode dataset(String namespace, String name) {
        return JSON.createObjectNode().put("namespace", namespace).put("name", name);
    }

    private static ObjectNode facet(ObjectNode facets, String name, String schemaUrl) {
        return facets.putObject(name).put("_producer", PRODUCER).put("_schemaURL", schemaUrl);
    }
}
