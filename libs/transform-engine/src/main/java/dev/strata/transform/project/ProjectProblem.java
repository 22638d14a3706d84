package dev.strata.transform.project;

/**
 * Something wrong in a project, where it is: {@code models/silver/orders.sql:12: unknown model 'custmers' in ref()}.
 *
 * @param file    path inside the project, e.g. {@code models/silver/orders.sql}
 * @param line    1-based line, 0 when unknown
 * @param message a plain sentence
 */
public record ProjectProblem(String file, int line, String message) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + message;
    }
}
