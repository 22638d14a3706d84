package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/**
 * {@code helm template} with each values file, with and without the Prometheus Operator's API: every rendered
 * object parses strictly against the Kubernetes model ({@link Rendered#parse}) and the release follows
 * {@link Policies}.
 * <p>
 * helm-java cannot pass {@code --api-versions}, and a client-side render never has monitoring.coreos.com/v1. The
 * chart's switch {@code monitoring.enabled} defaults to {@code auto} (= whether the API exists); {@code true}
 * renders exactly what {@code auto} renders on a cluster that has it.
 */
class ChartRenderTest {

    static Stream<Arguments> valuesFilesWithAndWithoutMonitoringApi() {
        return Stream.of(ValuesFile.values())
                .flatMap(file -> Stream.of(Arguments.of(file, false), Arguments.of(file, true)));
    }

    @ParameterizedTest(name = "{0}, monitoring API {1}")
    @MethodSource("valuesFilesWithAndWithoutMonitoringApi")
    void rendersObjectsAnApiServerAcceptsAndThatFollowThePolicies(ValuesFile file, boolean monitoringApi) {
        Map<String, Object> set = monitoringApi ? Map.of("monitoring.enabled", true) : Map.of();
        Rendered rendered = StrataChart.release().render(file, set);

        assertEquals(List.of(), Policies.check(rendered), "policy violations with " + file.fileName);
        assertEquals(Set.of("strata-gateway", "strata-auth", "strata-registry", "strata-ingest", "strata-transform",
                "strata-scheduler", "strata-notifier"), rendered.names(Deployment.class));
        assertEquals(monitoringApi ? Set.of("strata-services") : Set.of(), rendered.names(ServiceMonitor.class));
    }
}
