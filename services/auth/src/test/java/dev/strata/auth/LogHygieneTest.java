package dev.strata.auth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.UsedSecrets;

/**
 * Runs last: every password, client secret, API token, refresh token, access token, authorization code and PKCE
 * verifier the other tests used must be absent from the service's log (all categories, DEBUG for auth, HTTP access
 * log) and from the audit log.
 */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
@Order(Integer.MAX_VALUE)
class LogHygieneTest {

    private static final Path LOG = Path.of("target", "auth-test.log");

    @Inject
    AgroalDataSource db;

    @Test
    void noSecretTheTestsUsedAppearsInTheLogs() throws Exception {
        Admin.password();
        Set<String> secrets = UsedSecrets.all();
        // the other test classes ran before this one, in this JVM: if they did not register their secrets, the
        // check below would prove nothing
        assertTrue(secrets.size() > 100, "only " + secrets.size() + " secrets were registered");
        assertTrue(secrets.stream().anyMatch(s -> s.startsWith("strata_pat_")), "an API token was used");
        assertTrue(secrets.stream().anyMatch(s -> s.startsWith("strata_sas_")), "a client secret was used");
        assertTrue(secrets.stream().anyMatch(s -> s.startsWith("eyJ")), "a JWT was used");

        String log = Files.readString(LOG);
        assertTrue(log.contains("/oauth2/token"), "the access log of the token endpoint is in " + LOG);
        assertTrue(log.contains("/api/v1/role-bindings"), "the access log of the API is in " + LOG);
        List<String> leaked = secrets.stream().filter(log::contains).toList();
        assertTrue(leaked.isEmpty(), leaked.size() + " secrets appear in " + LOG);

        String audit = auditLogAsText();
        assertTrue(audit.contains("login.succeeded"), "the audit log has entries");
        List<String> audited = secrets.stream().filter(audit::contains).toList();
        assertTrue(audited.isEmpty(), audited.size() + " secrets appear in the audit log");
    }

    private String auditLogAsText() throws Exception {
        StringBuilder text = new StringBuilder();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT concat_ws(' ', actor, action, target, namespace, details::text, source_ip, request_id) "
                                + "FROM audit_log");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                text.append(rs.getString(1)).append('\n');
            }
        }
        return text.toString();
    }
}
