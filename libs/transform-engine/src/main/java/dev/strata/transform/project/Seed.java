package dev.strata.transform.project;

import java.util.Map;

/**
 * A CSV file loaded into a warehouse table; {@code ref('name')} reads it.
 *
 * @param name   the file name without {@code .csv}
 * @param file   path inside the project
 * @param csv    its content
 * @param config folder configuration (schema, tags)
 */
public record Seed(String name, String file, String csv, Map<String, Object> config) {
}
