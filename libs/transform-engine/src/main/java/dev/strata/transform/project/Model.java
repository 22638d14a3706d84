package dev.strata.transform.project;

import java.util.List;
import java.util.Map;

/**
 * A model as written: its file and text, the configuration given to it from {@code dbt_project.yml} folders and
 * {@code schema.yml} (the model's own {@code config()} call is applied when it is compiled).
 *
 * @param name        the file name without {@code .sql}
 * @param file        path inside the project
 * @param folder      the folder path under the model path, e.g. {@code silver/finance}
 * @param sql         the Jinja SQL text
 * @param config      folder and schema.yml configuration (materialized, schema, tags, unique_key, ...)
 * @param description from schema.yml
 * @param columns     column descriptions from schema.yml, in order
 * @param constraints its model contract constraints from schema.yml (model and column level)
 */
public record Model(String name, String file, String folder, String sql, Map<String, Object> config,
        String description, List<ColumnDoc> columns, List<Constraint> constraints) {

    public Model(String name, String file, String folder, String sql, Map<String, Object> config, String description,
            List<ColumnDoc> columns) {
        this(name, file, folder, sql, config, description, columns, List.of());
    }

    /** A column from schema.yml; {@code dataType} is what an enforced contract checks (null when not given). */
    public record ColumnDoc(String name, String description, String dataType) {

        public ColumnDoc(String name, String description) {
            this(name, description, null);
        }
    }
}
