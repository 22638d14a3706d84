package dev.strata.deploy.helm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/**
 * The rules every rendered chart must follow, as a list of violations (empty: compliant). Each says which object,
 * which container and what to fix.
 */
final class Policies {

    /**
     * Environment variable names that carry credentials: PASSWORD or SECRET anywhere, or ending in _KEY or _TOKEN
     * ({@code STRATA_S3_ACCESS_KEY}, {@code QUARKUS_OIDC_AUTHENTICATION_STATE_SECRET}), so that
     * {@code STRATA_AUTH_KEY_REFRESH_INTERVAL} or {@code STRATA_GATEWAY_API_TOKEN_CACHE} are not.
     */
    static final Pattern CREDENTIAL_ENV = Pattern.compile("PASSWORD|SECRET|_KEY$|_TOKEN$|^REDISCLI_AUTH$");

    /** ConfigMap keys that name a credential. */
    private static final Pattern CREDENTIAL_KEY = Pattern.compile(
            "(?i)(password|passwd|secret|token|credential|private[-_.]?key|access[-_.]?key|api[-_.]?key)");

    /**
     * A credential written out in a ConfigMap: {@code password=hunter2}, {@code password: hunter2},
     * {@code "secretKey": "abc"}. A reference to a variable ({@code $X}, {@code ${X}}, psql's {@code :'x'}) is not
     * a value.
     */
    private static final Pattern CREDENTIAL_ASSIGNMENT = Pattern.compile(
            "(?i)(password|passwd|secret|token|access[-_]?key|secret[-_]?key|api[-_]?key)[\"']?\\s*(?:=|:\\s)\\s*"
                    + "[\"']?(?![$'\"{<])[^\\s\"',}]{4,}");

    private Policies() {
    }

    static List<String> check(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        Set<String> secretValues = rendered.secretValues();
        for (Rendered.PodOwner pod : rendered.pods()) {
            checkPod(pod, secretValues, violations);
        }
        checkConfigMaps(rendered, secretValues, violations);
        checkDefaultDeny(rendered, violations);
        return violations;
    }

    private static void checkPod(Rendered.PodOwner pod, Set<String> secretValues, List<String> violations) {
        PodSecurityContext podContext = pod.spec().getSecurityContext();
        if (!Boolean.FALSE.equals(pod.spec().getAutomountServiceAccountToken())) {
            violations.add(pod + ": automountServiceAccountToken must be false (nothing calls the Kubernetes API)");
        }
        List<Container> containers = Stream.concat(
                Optional.ofNullable(pod.spec().getInitContainers()).orElse(List.of()).stream(),
                pod.spec().getContainers().stream()).toList();
        for (Container container : containers) {
            String where = pod + " container " + container.getName();
            checkResources(where, container.getResources(), violations);
            if (!pod.isHelmTest()) {
                if (container.getLivenessProbe() == null) {
                    violations.add(where + ": no livenessProbe");
                }
                if (container.getReadinessProbe() == null) {
                    violations.add(where + ": no readinessProbe");
                }
            }
            checkSecurity(where, podContext, container.getSecurityContext(), violations);
            if (!pod.isHelmTest() && !mountsEmptyDirOnTmp(pod, container)) {
                violations.add(where + ": a read-only root file system needs an emptyDir mounted on /tmp");
            }
            checkImage(where, container.getImage(), violations);
            for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                if (CREDENTIAL_ENV.matcher(env.getName()).find()
                        && (env.getValueFrom() == null || env.getValueFrom().getSecretKeyRef() == null)) {
                    violations.add(where + ": env " + env.getName() + " looks like a credential and must come from "
                            + "a Secret (valueFrom.secretKeyRef)");
                }
                if (env.getValue() != null && isSecretValue(env.getValue(), secretValues)) {
                    violations.add(where + ": env " + env.getName() + " holds the value of a Secret in plain text");
                }
            }
            for (String arg : Stream.concat(Optional.ofNullable(container.getCommand()).orElse(List.of()).stream(),
                    Optional.ofNullable(container.getArgs()).orElse(List.of()).stream()).toList()) {
                if (secretValues.stream().anyMatch(s -> s.length() >= 8 && arg.contains(s))) {
                    violations.add(where + ": a Secret value appears in command/args (visible in ps and the API)");
                }
            }
        }
    }

    private static boolean mountsEmptyDirOnTmp(Rendered.PodOwner pod, Container container) {
        return Optional.ofNullable(container.getVolumeMounts()).orElse(List.of()).stream()
                .filter(m -> "/tmp".equals(m.getMountPath()))
                .anyMatch(m -> Optional.ofNullable(pod.spec().getVolumes()).orElse(List.of()).stream()
                        .anyMatch(v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null));
    }

    private static void checkResources(String where, ResourceRequirements resources, List<String> violations) {
        Map<String, Quantity> requests = resources == null ? null : resources.getRequests();
        Map<String, Quantity> limits = resources == null ? null : resources.getLimits();
        for (String resource : List.of("cpu", "memory")) {
            if (requests == null || !requests.containsKey(resource)) {
                violations.add(where + ": no resources.requests." + resource);
            }
            if (limits == null || !limits.containsKey(resource)) {
                violations.add(where + ": no resources.limits." + resource);
            }
        }
    }

    private static void checkSecurity(String where, PodSecurityContext pod, SecurityContext container,
            List<String> violations) {
        SecurityContext c = container == null ? new SecurityContext() : container;
        PodSecurityContext p = pod == null ? new PodSecurityContext() : pod;
        Boolean nonRoot = c.getRunAsNonRoot() != null ? c.getRunAsNonRoot() : p.getRunAsNonRoot();
        if (!Boolean.TRUE.equals(nonRoot)) {
            violations.add(where + ": runAsNonRoot must be true");
        }
        Long user = c.getRunAsUser() != null ? c.getRunAsUser() : p.getRunAsUser();
        if (user != null && user == 0) {
            violations.add(where + ": runAsUser 0 is root");
        }
        if (!Boolean.TRUE.equals(c.getReadOnlyRootFilesystem())) {
            violations.add(where + ": readOnlyRootFilesystem must be true");
        }
        if (!Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
            violations.add(where + ": allowPrivilegeEscalation must be false");
        }
        if (Boolean.TRUE.equals(c.getPrivileged())) {
            violations.add(where + ": privileged");
        }
        Capabilities capabilities = c.getCapabilities();
        if (capabilities == null || capabilities.getDrop() == null || !capabilities.getDrop().contains("ALL")) {
            violations.add(where + ": capabilities.drop must contain ALL");
        } else if (capabilities.getAdd() != null && !capabilities.getAdd().isEmpty()) {
            violations.add(where + ": adds capabilities " + capabilities.getAdd());
        }
        SeccompProfile seccomp = c.getSeccompProfile() != null ? c.getSeccompProfile() : p.getSeccompProfile();
        if (seccomp == null || !"RuntimeDefault".equals(seccomp.getType())) {
            violations.add(where + ": seccompProfile must be RuntimeDefault");
        }
    }

    private static void checkImage(String where, String image, List<String> violations) {
        if (image == null || image.isBlank()) {
            violations.add(where + ": no image");
            return;
        }
        if (image.contains("@sha256:")) {
            return;
        }
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastSegment.indexOf(':');
        if (colon < 0 || colon == lastSegment.length() - 1) {
            violations.add(where + ": image " + image + " has no tag (pin one)");
        } else if (lastSegment.substring(colon + 1).toLowerCase(Locale.ROOT).equals("latest")) {
            violations.add(where + ": image " + image + " uses the tag latest (pin a version)");
        }
    }

    private static void checkConfigMaps(Rendered rendered, Set<String> secretValues, List<String> violations) {
        for (ConfigMap configMap : rendered.all(ConfigMap.class)) {
            String where = "ConfigMap " + configMap.getMetadata().getName();
            Map<String, String> data = Optional.ofNullable(configMap.getData()).orElse(Map.of());
            for (Map.Entry<String, String> entry : data.entrySet()) {
                if (CREDENTIAL_KEY.matcher(entry.getKey()).find()) {
                    violations.add(where + ": key " + entry.getKey() + " names a credential; put it in a Secret");
                }
                var assignment = CREDENTIAL_ASSIGNMENT.matcher(Objects.toString(entry.getValue(), ""));
                if (assignment.find()) {
                    violations
                            .add(where + ": key " + entry.getKey() + " writes out a credential (" + assignment.group(1)
                                    + "=...); put it in a Secret");
                }
                if (isSecretValue(entry.getValue(), secretValues)) {
                    violations.add(where + ": key " + entry.getKey() + " contains the value of a Secret");
                }
            }
            if (configMap.getBinaryData() != null) {
                for (String key : configMap.getBinaryData().keySet()) {
                    if (CREDENTIAL_KEY.matcher(key).find()) {
                        violations.add(where + ": binary key " + key + " names a credential; put it in a Secret");
                    }
                }
            }
        }
    }

    private static boolean isSecretValue(String text, Set<String> secretValues) {
        return text != null && secretValues.stream().anyMatch(s -> s.length() >= 8 && text.contains(s));
    }

    /**
     * A NetworkPolicy that selects every pod of the release, for both directions, and allows nothing: what every
     * other policy opens is then the whole of what is allowed.
     */
    private static void checkDefaultDeny(Rendered rendered, List<String> violations) {
        List<NetworkPolicy> denyAll = rendered.all(NetworkPolicy.class).stream()
                .filter(p -> p.getSpec().getPolicyTypes() != null
                        && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress")))
                .filter(p -> (p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty())
                        && (p.getSpec().getEgress() == null || p.getSpec().getEgress().isEmpty()))
                .toList();
        if (denyAll.isEmpty()) {
            violations.add("no default-deny NetworkPolicy (policyTypes Ingress and Egress, no rules)");
            return;
        }
        for (Rendered.PodOwner pod : rendered.pods()) {
            Map<String, String> labels = Optional.ofNullable(pod.podMetadata().getLabels()).orElse(Map.of());
            boolean selected = denyAll.stream().anyMatch(p -> {
                var selector = p.getSpec().getPodSelector();
                Map<String, String> match = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
                boolean noExpressions = selector.getMatchExpressions() == null
                        || selector.getMatchExpressions().isEmpty();
                return noExpressions && labels.entrySet().containsAll(match.entrySet());
            });
            if (!selected) {
                violations.add(pod + ": not selected by the default-deny NetworkPolicy (labels " + labels + ")");
            }
        }
    }
}
