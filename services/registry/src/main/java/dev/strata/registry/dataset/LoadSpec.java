package dev.strata.registry.dataset;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The load spec of a dataset exactly as ingest reads it (the {@code "spec"} parameter of {@code IngestRequested}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadSpec(String namespace, String name, Source source, Format format, String loadMode,
        List<String> mergeKey, String contract, List<Column> columns) {

    static LoadSpec of(Dataset d) {
        return new LoadSpec(d.namespace(), d.name(), d.source(), d.format(), d.loadMode(), d.mergeKey(), d.contract(),
                d.columns());
    }
}
