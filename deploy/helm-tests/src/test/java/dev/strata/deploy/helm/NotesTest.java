package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/** After `helm install`, NOTES.txt says how to reach the gateway and where the admin password is. */
class NotesTest {

    @Test
    void theDefaultInstallPointsAtThePortForwardAndTheGeneratedPassword() {
        String notes = StrataChart.release().notes(ValuesFile.DEFAULT);
        assertTrue(notes.contains("kubectl --namespace strata port-forward svc/strata-gateway 8080:8080"), notes);
        assertTrue(notes.contains("get secret strata-auth-credentials -o jsonpath='{.data.admin-password}'"), notes);
        assertTrue(notes.contains("generated at the first install"), notes);
        assertTrue(notes.contains("helm test strata"), notes);
    }

    @Test
    void productionPointsAtTheIngressAndYourSecret() {
        String notes = StrataChart.release().notes(ValuesFile.PRODUCTION);
        assertTrue(notes.contains("https://strata.example.com/login"), notes);
        assertTrue(notes.contains("get secret strata-auth -o jsonpath='{.data.admin-password}'"), notes);
        assertTrue(!notes.contains("generated at the first install"), notes);
    }
}
