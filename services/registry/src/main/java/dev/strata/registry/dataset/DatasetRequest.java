package dev.strata.registry.dataset;

import java.util.List;

import dev.strata.events.LoadSpec.Format;
import dev.strata.events.LoadSpec.Source;

/**
 * What a caller sends to register or update a dataset: its identity, what people need to know about it, its layer,
 * the load spec (source, format, load mode, merge key, contract mode) and its declared columns. On update the identity
 * comes from the path; {@code namespace} and {@code name} may then be left out.
 */
public record DatasetRequest(String namespace, String name, String description, String owner, List<String> tags,
        String layer, Source source, Format format, String loadMode, List<String> mergeKey, String contract,
        List<Column> columns) {
}
