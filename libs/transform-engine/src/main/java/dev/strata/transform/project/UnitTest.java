package dev.strata.transform.project;

import java.util.List;
import java.util.Map;

/**
 * A dbt 1.8 unit test ({@code unit_tests:} in a models yml): the model's SQL run over fixed input rows instead of the
 * relations it reads, its output compared with the expected rows.
 *
 * @param name      the test's name, unique in the project
 * @param model     the model it tests
 * @param given     the inputs: {@code ref('m')}, {@code source('s', 't')} or {@code this}, each with its rows
 * @param expect    the rows the model must return (only their columns are compared, in any order)
 * @param vars      {@code overrides: vars:}
 * @param macros    {@code overrides: macros:} (a macro's value; {@code is_incremental: true} renders the incremental
 *                  SQL)
 * @param envVars   {@code overrides: env_vars:}
 * @param file      the yml file
 * @param line      the line of its {@code name:}
 */
public record UnitTest(String name, String model, List<Given> given, List<Map<String, Object>> expect,
        Map<String, Object> vars, Map<String, Object> macros, Map<String, Object> envVars, String file, int line) {

    /**
     * One input.
     *
     * @param input {@code ref('m')}, {@code source('s', 't')} or {@code this}, as written
     * @param rows  its rows: column → value ({@code null} for an empty csv cell); columns not given are null
     */
    public record Given(String input, List<Map<String, Object>> rows) {
    }
}
