package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.marcnuri.helm.LintResult;

/**
 * Deliberately broken values files (src/test/resources/broken-values): each must make {@code helm template} and
 * {@code helm lint --strict} fail, with a message that names what is wrong (the file's {@code # expect:} line) — a
 * typo, a wrong type, an unpinned image, a password in plain env, a writable root file system, missing credentials.
 * Every rule lives in values.schema.json (rules across fields as if/then) because Helm's lint does not fail on a
 * template's {@code fail}.
 */
class BrokenValuesTest {

    static Stream<Path> brokenValuesFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(BrokenValuesTest.class.getResource("/broken-values").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenValuesFiles")
    void failsNamingTheBadField(Path valuesFile) throws IOException {
        String expected = Files.readAllLines(valuesFile).stream().filter(l -> l.startsWith("# expect: ")).findFirst()
                .map(l -> l.substring("# expect: ".length()).trim())
                .orElseThrow(() -> new AssertionError(valuesFile + " has no '# expect: ' line"));

        String templateError = StrataChart.release().templateError(valuesFile, Map.of());
        assertTrue(templateError.contains(expected),
                "helm template -f " + valuesFile.getFileName() + " failed, but not naming '" + expected + "':\n"
                        + templateError);

        LintResult lint = StrataChart.release().lint(valuesFile);
        assertTrue(lint.isFailed(), "helm lint --strict passed with " + valuesFile.getFileName());
        assertTrue(lint.getMessages().stream().anyMatch(m -> m.contains(expected)),
                "helm lint failed, but not naming '" + expected + "':\n" + lint.getMessages());
    }
}
