package dev.strata.registry.share;

/**
 * Share a dataset with a namespace: {@code {"namespace":"<reader>"}}. Any other field is refused.
 *
 * @param namespace the namespace that may read the dataset's warehouse table
 */
public record ShareRequest(String namespace) {
}
