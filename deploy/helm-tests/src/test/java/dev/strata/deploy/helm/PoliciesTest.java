package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The policy checks find what they are meant to find (and nothing in a compliant release). */
class PoliciesTest {

    private static final String DEFAULT_DENY = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny}
            spec:
              podSelector: {matchLabels: {app.kubernetes.io/instance: demo}}
              policyTypes: [Ingress, Egress]
            """;

    private static final String COMPLIANT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: good}
            spec:
              selector: {matchLabels: {app.kubernetes.io/instance: demo}}
              template:
                metadata: {labels: {app.kubernetes.io/instance: demo}}
                spec:
                  automountServiceAccountToken: false
                  securityContext: {runAsNonRoot: true, runAsUser: 185, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: app
                      image: ghcr.io/strata/app:1.2.3
                      env:
                        - name: DB_PASSWORD
                          valueFrom: {secretKeyRef: {name: creds, key: password}}
                        - name: STRATA_AUTH_KEY_REFRESH_INTERVAL
                          value: 1m
                      livenessProbe: {httpGet: {path: /q/health/live, port: 8080}}
                      readinessProbe: {httpGet: {path: /q/health/ready, port: 8080}}
                      resources:
                        requests: {cpu: 100m, memory: 128Mi}
                        limits: {cpu: "1", memory: 256Mi}
                      securityContext:
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities: {drop: [ALL]}
                      volumeMounts: [{name: tmp, mountPath: /tmp}]
                  volumes: [{name: tmp, emptyDir: {}}]
            """;

    @Test
    void aCompliantReleaseHasNoViolations() {
        assertEquals(List.of(), Policies.check(Rendered.parse(COMPLIANT + DEFAULT_DENY)));
    }

    @Test
    void everyRuleIsEnforced() {
        String bad = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: bad}
                spec:
                  selector: {matchLabels: {app: bad}}
                  template:
                    metadata: {labels: {app: bad}}
                    spec:
                      securityContext: {runAsUser: 0}
                      containers:
                        - name: app
                          image: ghcr.io/strata/app:latest
                          env:
                            - {name: STRATA_S3_SECRET_KEY, value: not-from-a-secret}
                            - {name: COPY, value: s3cr3t-value-123}
                          resources:
                            requests: {cpu: 100m}
                        - name: sidecar
                          image: busybox
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                stringData: {password: s3cr3t-value-123}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: config}
                data:
                  application.properties: |
                    quarkus.datasource.password=hunter2hunter2
                  db-password: x
                  copy.txt: "s3cr3t-value-123"
                """;
        List<String> violations = Policies.check(Rendered.parse(bad));
        String all = String.join("\n", violations);
        for (String expected : List.of(
                "Deployment bad container app: no resources.requests.memory",
                "Deployment bad container app: no resources.limits.cpu",
                "Deployment bad container app: no livenessProbe",
                "Deployment bad container app: no readinessProbe",
                "Deployment bad container app: runAsNonRoot must be true",
                "Deployment bad container app: runAsUser 0 is root",
                "Deployment bad container app: readOnlyRootFilesystem must be true",
                "Deployment bad container app: allowPrivilegeEscalation must be false",
                "Deployment bad container app: capabilities.drop must contain ALL",
                "Deployment bad container app: seccompProfile must be RuntimeDefault",
                "Deployment bad container app: a read-only root file system needs an emptyDir mounted on /tmp",
                "Deployment bad container app: image ghcr.io/strata/app:latest uses the tag latest",
                "Deployment bad container sidecar: image busybox has no tag",
                "Deployment bad container app: env STRATA_S3_SECRET_KEY looks like a credential",
                "Deployment bad container app: env COPY holds the value of a Secret in plain text",
                "Deployment bad: automountServiceAccountToken must be false",
                "ConfigMap config: key application.properties writes out a credential",
                "ConfigMap config: key db-password names a credential",
                "ConfigMap config: key copy.txt contains the value of a Secret",
                "no default-deny NetworkPolicy")) {
            assertTrue(all.contains(expected), "missing violation '" + expected + "' in:\n" + all);
        }
    }

    @Test
    void podsOutsideTheDefaultDenyAreReported() {
        String unselected = COMPLIANT.replace("metadata: {labels: {app.kubernetes.io/instance: demo}}",
                "metadata: {labels: {app.kubernetes.io/instance: other}}")
                .replace("selector: {matchLabels: {app.kubernetes.io/instance: demo}}",
                        "selector: {matchLabels: {app.kubernetes.io/instance: other}}");
        List<String> violations = Policies.check(Rendered.parse(unselected + DEFAULT_DENY));
        assertEquals(1, violations.size(), violations.toString());
        assertTrue(violations.get(0).contains("not selected by the default-deny"), violations.toString());
    }
}
