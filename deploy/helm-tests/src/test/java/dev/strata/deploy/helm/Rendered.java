package dev.strata.deploy.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * The output of one {@code helm template}: every document parsed strictly into its Kubernetes model. Parsing fails
 * with the list of every object a Kubernetes API server would refuse.
 */
final class Rendered {

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    private static final StrictKubernetesParser PARSER = new StrictKubernetesParser();

    /** One rendered object: the template it came from, the raw document and its model. */
    record Item(String source, JsonNode raw, Object model) {

        String kind() {
            return raw.path("kind").asText();
        }

        String name() {
            return raw.path("metadata").path("name").asText();
        }
    }

    /** A pod template (or a pod) and what owns it. */
    record PodOwner(String kind, String name, ObjectMeta podMetadata, PodSpec spec) {

        boolean isHelmTest() {
            Map<String, String> annotations = podMetadata.getAnnotations();
            return annotations != null && (annotations.getOrDefault("helm.sh/hook", "").contains("test")
                    || annotations.getOrDefault(StrataChart.RENDERED_HOOK, "").contains("test"));
        }

        @Override
        public String toString() {
            return kind + " " + name;
        }
    }

    private final String text;
    private final List<Item> items;

    private Rendered(String text, List<Item> items) {
        this.text = text;
        this.items = items;
    }

    static Rendered parse(String text) {
        List<Item> items = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(text)) {
            String source = SOURCE.matcher(document).results().map(m -> m.group(1)).findFirst().orElse("?");
            JsonNode raw;
            try {
                raw = YAML.readTree(document);
            } catch (IOException e) {
                invalid.add(source + ": not valid YAML: " + e.getMessage());
                continue;
            }
            if (raw == null || raw.isMissingNode() || raw.isNull()) {
                continue;
            }
            try {
                items.add(new Item(source, raw, PARSER.parse(raw)));
            } catch (StrictKubernetesParser.InvalidObject e) {
                invalid.add(source + ": " + e.getMessage());
            }
        }
        if (!invalid.isEmpty()) {
            throw new AssertionError(
                    "objects a Kubernetes API server would refuse:\n  " + String.join("\n  ", invalid));
        }
        return new Rendered(text, items);
    }

    String text() {
        return text;
    }

    List<Item> items() {
        return items;
    }

    <T> List<T> all(Class<T> type) {
        return items.stream().map(Item::model).filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
                + " rendered; rendered: " + names(type)));
    }

    <T extends HasMetadata> Set<String> names(Class<T> type) {
        return all(type).stream().map(o -> o.getMetadata().getName())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    Set<String> kinds() {
        return items.stream().map(Item::kind).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** Every pod the chart can start: Deployments', StatefulSets' and bare Pods (helm test). */
    List<PodOwner> pods() {
        List<PodOwner> pods = new ArrayList<>();
        for (Deployment d : all(Deployment.class)) {
            pods.add(new PodOwner("Deployment", d.getMetadata().getName(), d.getSpec().getTemplate().getMetadata(),
                    d.getSpec().getTemplate().getSpec()));
        }
        for (StatefulSet s : all(StatefulSet.class)) {
            pods.add(new PodOwner("StatefulSet", s.getMetadata().getName(), s.getSpec().getTemplate().getMetadata(),
                    s.getSpec().getTemplate().getSpec()));
        }
        for (Pod p : all(Pod.class)) {
            pods.add(new PodOwner("Pod", p.getMetadata().getName(), p.getMetadata(), p.getSpec()));
        }
        return pods;
    }

    /** The env of the one container of a Deployment, by name. */
    Map<String, EnvVar> env(String deployment) {
        return get(Deployment.class, deployment).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .stream().collect(Collectors.toMap(EnvVar::getName, e -> e, (a, b) -> {
                    throw new AssertionError("env " + a.getName() + " twice in " + deployment);
                }, java.util.LinkedHashMap::new));
    }

    /** Every value held by a rendered Secret, decoded. */
    Set<String> secretValues() {
        Set<String> values = new LinkedHashSet<>();
        for (Secret secret : all(Secret.class)) {
            if (secret.getData() != null) {
                secret.getData().values().stream().filter(Objects::nonNull)
                        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8))
                        .forEach(values::add);
            }
            if (secret.getStringData() != null) {
                values.addAll(secret.getStringData().values());
            }
        }
        return values;
    }

    /** A Secret's value for a key, decoded. */
    String secretValue(String secret, String key) {
        String encoded = get(Secret.class, secret).getData().get(key);
        if (encoded == null) {
            throw new AssertionError("Secret " + secret + " has no key " + key);
        }
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
