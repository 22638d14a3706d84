package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.marcnuri.helm.LintResult;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/** {@code helm lint --strict} with each values file: no error, no warning. */
class ChartLintTest {

    @ParameterizedTest
    @EnumSource(ValuesFile.class)
    void lintsStrictlyClean(ValuesFile file) {
        LintResult result = StrataChart.release().lint(file);
        List<String> problems = result.getMessages().stream()
                .filter(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]")).toList();
        assertFalse(result.isFailed(), "helm lint --strict -f " + file.fileName + ":\n" + result.getMessages());
        assertTrue(problems.isEmpty(), "helm lint --strict -f " + file.fileName + ":\n" + problems);
    }
}
