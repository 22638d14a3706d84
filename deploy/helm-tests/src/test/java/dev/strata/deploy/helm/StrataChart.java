package dev.strata.deploy.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/**
 * The chart as a release sees it: {@code deploy/helm/strata} assembled into {@code target/chart/}, with the
 * Grafana dashboards and alert rules copied in from their single home, {@code observability/} (the chart's sources
 * never hold a copy). Renders and lints it in-process with helm-java.
 */
final class StrataChart {

    static final Path SOURCES = Path.of(System.getProperty("strata.chart.dir", "../helm/strata"));
    static final Path OBSERVABILITY = Path.of(System.getProperty("strata.observability.dir", "../../observability"));
    static final Path WORK = Path.of(System.getProperty("strata.work.dir", "target/chart"));

    static final String RELEASE = "strata";
    static final String NAMESPACE = "strata";
    /** helm-java renders for Kubernetes 1.20 unless told otherwise; the chart needs 1.25+. */
    static final String KUBE_VERSION = "1.33.0";

    /** The values files shipped next to the chart. */
    enum ValuesFile {
        DEFAULT("values.yaml"), PRODUCTION("values-production.yaml"), MINIMAL("values-minimal.yaml");

        final String fileName;

        ValuesFile(String fileName) {
            this.fileName = fileName;
        }
    }

    /**
     * helm-java's {@code template} prints the release manifest without its hooks (the {@code helm template} CLI
     * prints both), so the copy that tests render has this annotation in place of {@code helm.sh/hook}: the
     * {@code helm test} pod then renders like any object and gets the same checks.
     */
    static final String RENDERED_HOOK = "strata.dev/test-rendered-helm-hook";

    private static StrataChart release;

    private final Path dir;
    private final Path renderDir;

    private StrataChart(Path dir, Path renderDir) {
        this.dir = dir;
        this.renderDir = renderDir;
    }

    /** The chart with the repository's own observability assets (assembled once per test run). */
    static synchronized StrataChart release() {
        if (release == null) {
            release = assemble(WORK.resolve("release"), OBSERVABILITY);
        }
        return release;
    }

    /**
     * Copies the chart sources to {@code target/<name>/strata} and the observability assets found under
     * {@code observability}: {@code dashboards/*.json} → {@code files/dashboards/}, {@code alerts/*.yaml|yml} →
     * {@code files/alerts/}. What `helm package` should be given for a release.
     */
    static StrataChart assemble(Path into, Path observability) {
        Path chart = into.resolve("strata");
        Path render = into.resolve("render").resolve("strata");
        try {
            deleteRecursively(chart);
            copyRecursively(SOURCES, chart);
            copyMatching(observability.resolve("dashboards"), chart.resolve("files/dashboards"), ".json");
            copyMatching(observability.resolve("alerts"), chart.resolve("files/alerts"), ".yaml", ".yml");
            deleteRecursively(render);
            copyRecursively(chart, render);
            try (Stream<Path> templates = Files.walk(render.resolve("templates"))) {
                for (Path template : templates.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(template);
                    if (text.contains("helm.sh/hook:")) {
                        Files.writeString(template, text.replace("helm.sh/hook:", RENDERED_HOOK + ":"));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StrataChart(chart, render);
    }

    Path valuesFile(ValuesFile file) {
        return dir.resolve(file.fileName);
    }

    /** {@code helm template strata <chart> -n strata -f <file> --set k=v...}; throws on a Helm error. */
    String template(ValuesFile file, Map<String, Object> set) {
        return template(valuesFile(file), set);
    }

    /** The chart to package and lint: sources plus observability assets, hooks untouched. */
    Path releaseDir() {
        return dir;
    }

    String template(Path valuesFile, Map<String, Object> set) {
        FakeKubernetesApi.get();
        TemplateCommand command = new Helm(renderDir).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION).withValuesFile(valuesFile);
        for (Map.Entry<String, Object> entry : set.entrySet()) {
            command = command.set(entry.getKey(), entry.getValue());
        }
        return command.call();
    }

    Rendered render(ValuesFile file) {
        return Rendered.parse(template(file, Map.of()));
    }

    Rendered render(ValuesFile file, Map<String, Object> set) {
        return Rendered.parse(template(file, set));
    }

    /** NOTES.txt as {@code helm install --dry-run=client} prints it (no cluster involved). */
    String notes(ValuesFile file) {
        return new Helm(renderDir).install().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)
                .withValuesFile(valuesFile(file)).dryRun().withDryRunOption(DryRun.CLIENT).clientOnly().call()
                .getOutput();
    }

    /** The message of the Helm error that rendering with these values ends in; fails when it renders. */
    String templateError(Path valuesFile, Map<String, Object> set) {
        try {
            template(valuesFile, set);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        throw new AssertionError("helm template succeeded with " + valuesFile + " " + set + " but must fail");
    }

    String templateError(ValuesFile file, Map<String, Object> set) {
        return templateError(valuesFile(file), set);
    }

    /**
     * {@code helm lint --strict} as if run with {@code -f valuesFile}. helm-java's lint takes no values files, so
     * the chart is copied with values.yaml replaced by values.yaml and the file merged the way Helm merges them
     * (maps deeply, everything else replaced, null removes the key).
     */
    LintResult lint(Path valuesFile) {
        Path lintDir = WORK.resolve("lint").resolve(valuesFile.getFileName().toString().replace(".yaml", ""));
        Path chart = lintDir.resolve("strata");
        try {
            deleteRecursively(chart);
            copyRecursively(dir, chart);
            YAMLMapper yaml = new YAMLMapper();
            ObjectNode defaults = (ObjectNode) yaml.readTree(dir.resolve("values.yaml").toFile());
            JsonNode overrides = yaml.readTree(valuesFile.toFile());
            if (overrides != null && overrides.isObject()) {
                merge(defaults, (ObjectNode) overrides);
            }
            yaml.writeValue(chart.resolve("values.yaml").toFile(), defaults);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(chart).lint().strict().call();
    }

    LintResult lint(ValuesFile file) {
        return lint(valuesFile(file));
    }

    /** Helm's coalescing of a values file over the chart's values.yaml. */
    static void merge(ObjectNode base, ObjectNode overrides) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode current = base.get(entry.getKey());
            if (entry.getValue().isNull()) {
                base.remove(entry.getKey());
            } else if (current != null && current.isObject() && entry.getValue().isObject()) {
                merge((ObjectNode) current, (ObjectNode) entry.getValue());
            } else {
                base.set(entry.getKey(), entry.getValue());
            }
        }
    }

    static Map<String, Object> set(Object... keysAndValues) {
        Map<String, Object> set = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            set.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return set;
    }

    private static void copyMatching(Path from, Path to, String... suffixes) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (List.of(suffixes).stream().anyMatch(name::endsWith)) {
                    Files.copy(file, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
                    throws IOException {
                Files.createDirectories(to.resolve(from.relativize(directory).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
