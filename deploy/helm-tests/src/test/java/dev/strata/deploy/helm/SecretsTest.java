package dev.strata.deploy.helm;

import static dev.strata.deploy.helm.StrataChart.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/**
 * No default password anywhere: credentials the chart generates are random, created once and kept (looked up in
 * the cluster on every upgrade); credentials you manage are only referenced; a value given in values lands in its
 * Secret and nowhere else.
 */
class SecretsTest {

    private final FakeKubernetesApi api = FakeKubernetesApi.get();

    @AfterEach
    void forgetTheCluster() {
        api.clear();
    }

    @Test
    void aFirstInstallGetsRandomCredentialsNotDefaults() {
        Rendered first = StrataChart.release().render(ValuesFile.DEFAULT);
        Rendered second = StrataChart.release().render(ValuesFile.DEFAULT);

        String password = first.secretValue("strata-auth-credentials", "admin-password");
        assertTrue(password.matches("[A-Za-z0-9]{24}"), password);
        assertNotEquals(password, second.secretValue("strata-auth-credentials", "admin-password"));
        assertEquals("admin", first.secretValue("strata-auth-credentials", "admin-username"));
        byte[] kek = Base64.getDecoder().decode(first.secretValue("strata-auth-credentials", "key-encryption-key"));
        assertEquals(32, kek.length, "the key-encryption key is 32 random bytes");
        assertNotEquals(first.secretValue("strata-auth-credentials", "key-encryption-key"),
                second.secretValue("strata-auth-credentials", "key-encryption-key"));

        Set<String> all = new HashSet<>();
        for (var secret : List.of(
                List.of("strata-postgresql-credentials", "metadata-password"),
                List.of("strata-postgresql-credentials", "warehouse-password"),
                List.of("strata-redis-credentials", "password"),
                List.of("strata-s3-credentials", "access-key"),
                List.of("strata-s3-credentials", "secret-key"),
                List.of("strata-gateway-credentials", "state-secret"),
                List.of("strata-auth-credentials", "admin-password"),
                List.of("strata-auth-credentials", "transform-account-secret"))) {
            String value = first.secretValue(secret.get(0), secret.get(1));
            assertTrue(value.length() >= 20, secret + " is too short: " + value.length());
            assertTrue(all.add(value), secret + " repeats another credential");
        }
        for (Secret secret : first.all(Secret.class)) {
            assertEquals("keep", secret.getMetadata().getAnnotations().get("helm.sh/resource-policy"),
                    secret.getMetadata().getName() + " must survive uninstall like the data it protects");
        }
    }

    @Test
    void anUpgradeKeepsTheStoredCredentials() {
        String kek = Base64.getEncoder().encodeToString(new byte[32]);
        api.storeSecret("strata", "strata-auth-credentials",
                Map.of("admin-username", "admin", "admin-password", "kept-password-0123", "key-encryption-key", kek));
        api.storeSecret("strata", "strata-postgresql-credentials",
                Map.of("metadata-password", "kept-metadata-0123", "warehouse-password", "kept-warehouse-0123"));

        Rendered upgrade = StrataChart.release().render(ValuesFile.DEFAULT);

        assertEquals("kept-password-0123", upgrade.secretValue("strata-auth-credentials", "admin-password"));
        assertEquals(kek, upgrade.secretValue("strata-auth-credentials", "key-encryption-key"));
        assertEquals("kept-metadata-0123", upgrade.secretValue("strata-postgresql-credentials", "metadata-password"));
        assertEquals("kept-warehouse-0123",
                upgrade.secretValue("strata-postgresql-credentials", "warehouse-password"));
        assertTrue(api.requests().contains("GET /api/v1/namespaces/strata/secrets/strata-auth-credentials"),
                api.requests().toString());
    }

    @Test
    void existingSecretsAreReferencedAndNothingIsGenerated() {
        Rendered rendered = StrataChart.release().render(ValuesFile.PRODUCTION);
        assertEquals(Set.of(), rendered.names(Secret.class));
        Set<String> referenced = new HashSet<>();
        for (Deployment deployment : rendered.all(Deployment.class)) {
            for (EnvVar env : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (env.getValueFrom() != null) {
                    referenced.add(env.getValueFrom().getSecretKeyRef().getName() + "/"
                            + env.getValueFrom().getSecretKeyRef().getKey());
                }
            }
        }
        assertEquals(Set.of("strata-auth/admin-username", "strata-auth/admin-password",
                "strata-auth/key-encryption-key", "strata-auth/transform-account-secret",
                "strata-auth/ingest-account-secret", "strata-auth/notifier-account-secret",
                "strata-auth/secrets-master-key", "strata-gateway/state-secret",
                "strata-postgresql/metadata-password",
                "strata-postgresql/warehouse-password", "strata-postgresql/warehouse-role-key",
                "strata-redis/password", "strata-s3/access-key", "strata-s3/secret-key"), referenced);
        assertTrue(api.requests().stream().noneMatch(r -> r.contains("/secrets/")),
                "nothing to look up when every credential is yours: " + api.requests());
    }

    @Test
    void transformsServiceAccountIsBootstrappedInAuthWithTheSecretTransformLogsInWith() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT);
        String secret = rendered.secretValue("strata-auth-credentials", "transform-account-secret");
        assertTrue(secret.matches("[A-Za-z0-9]{40}"), secret);

        List<EnvVar> auth = rendered.get(Deployment.class, "strata-auth").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getEnv();
        List<String> names = auth.stream().map(EnvVar::getName).toList();
        int reference = names.indexOf("STRATA_AUTH_BOOTSTRAP_SA_TRANSFORM_SECRET");
        int accounts = names.indexOf("STRATA_AUTH_BOOTSTRAP_SERVICE_ACCOUNTS");
        assertTrue(reference >= 0 && reference < accounts,
                "Kubernetes expands $(VAR) only from a variable listed before it: " + names);
        assertEquals("strata-auth-credentials/transform-account-secret", secretRef(auth.get(reference)));
        assertEquals("transform=$(STRATA_AUTH_BOOTSTRAP_SA_TRANSFORM_SECRET),ingest=$(STRATA_AUTH_BOOTSTRAP_SA_INGEST_"
                + "SECRET),notifier=$(STRATA_AUTH_BOOTSTRAP_SA_NOTIFIER_SECRET)", auth.get(accounts).getValue());
        for (String worker : List.of("ingest", "notifier")) {
            String upper = worker.toUpperCase(java.util.Locale.ROOT);
            int ref = names.indexOf("STRATA_AUTH_BOOTSTRAP_SA_" + upper + "_SECRET");
            assertTrue(ref >= 0 && ref < accounts, "listed before the accounts: " + names);
            Map<String, EnvVar> env = rendered.env("strata-" + worker);
            assertEquals("sa-" + worker, env.get("STRATA_" + upper + "_SERVICE_ACCOUNT_CLIENT_ID").getValue());
            assertEquals("strata-auth-credentials/" + worker + "-account-secret",
                    secretRef(env.get("STRATA_" + upper + "_SERVICE_ACCOUNT_CLIENT_SECRET")));
        }
        assertEquals("strata-auth-credentials/secrets-master-key",
                secretRef(auth.get(names.indexOf("STRATA_SECRETS_MASTER_KEY"))));

        Map<String, EnvVar> transform = rendered.env("strata-transform");
        assertEquals("sa-transform", transform.get("STRATA_TRANSFORM_SERVICE_ACCOUNT_CLIENT_ID").getValue());
        assertEquals("strata-auth-credentials/transform-account-secret",
                secretRef(transform.get("STRATA_TRANSFORM_SERVICE_ACCOUNT_CLIENT_SECRET")));
        assertFalse(rendered.text().contains(secret), "the secret in plain text somewhere in the release");
    }

    private static String secretRef(EnvVar env) {
        return env.getValueFrom().getSecretKeyRef().getName() + "/" + env.getValueFrom().getSecretKeyRef().getKey();
    }

    @Test
    void aPasswordGivenInValuesLandsInItsSecretOnly() {
        String password = "Given-Pa55word-" + System.nanoTime();
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT,
                set("auth.bootstrapAdmin.password", password));
        assertEquals(password, rendered.secretValue("strata-auth-credentials", "admin-password"));
        assertFalse(rendered.text().contains(password), "the password in plain text somewhere in the release");
        assertEquals(List.of(), Policies.check(rendered));
    }
}
