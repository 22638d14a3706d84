package dev.strata.registry.dataset;

/**
 * A list or search of datasets. Every filter is optional.
 *
 * @param namespace only this namespace
 * @param tag       only datasets carrying this tag
 * @param layer     only this layer
 * @param search    a part of the dataset's name ({@code namespace.name}) or of one of its column names,
 *                  case-insensitive
 * @param limit     at most this many (1 to 500)
 * @param offset    skip this many
 * @param shared    also datasets of other namespaces shared with a namespace of the scope
 */
public record DatasetQuery(String namespace, String tag, String layer, String search, int limit, int offset,
        boolean shared) {
}
