package dev.strata.auth.secret;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.NamespaceScope;
import dev.strata.auth.access.Role;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.config.SecretsConfig;
import dev.strata.auth.connection.ConnectionRepository;
import dev.strata.web.ProblemException;

/**
 * A namespace's secrets: engineers and admins write them, viewers list their names; the value is write-only, stored
 * sealed by {@link SecretBox}, and answered only to a resolver service account. Every change and every resolution is
 * audited, without the value.
 */
@ApplicationScoped
public class SecretService {

    /** Names of secrets and connections: lower-case letters, digits, '.', '_', '-'; 1 to 63 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final SecretRepository secrets;
    private final SecretBox box;
    private final NamespaceScope scope;
    private final AuditLog audit;
    private final SecretsConfig config;
    private final ConnectionRepository connections;

    SecretService(SecretRepository secrets, SecretBox box, NamespaceScope scope, AuditLog audit,
            SecretsConfig config, ConnectionRepository connections) {
        this.connections = connections;
        this.secrets = secrets;
        this.box = box;
        this.scope = scope;
        this.audit = audit;
        this.config = config;
    }

    public List<SecretView> list(Caller caller, String namespace) {
        scope.require(caller, Role.VIEWER, namespace, "list secrets");
        return secrets.list(namespace);
    }

    public SecretView get(Caller caller, String namespace, String name) {
        scope.require(caller, Role.VIEWER, namespace, "read secrets");
        return secrets.find(namespace, name).orElseThrow(() -> missing(namespace, name));
    }

    /** Creates or replaces a secret; answers whether it was created. */
    @Transactional
    public boolean put(Caller caller, String namespace, String name, SecretValue body) {
        scope.require(caller, Role.ENGINEER, namespace, "write secrets");
        checkName(name, "secret");
        String value = body == null ? null : body.value();
        if (value == null || value.isEmpty()) {
            throw ProblemException.badRequest("Field 'value' is required: the secret's value (1 to "
                    + config.maxValueBytes() + " bytes).");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.maxValueBytes()) {
            throw ProblemException.badRequest("Field 'value' is " + bytes + " bytes, over the limit of "
                    + config.maxValueBytes() + " (strata.secrets.max-value-bytes).");
        }
        if (secrets.find(namespace, name).isEmpty() && secrets.count(namespace) >= config.maxPerNamespace()) {
            throw ProblemException.conflict("Namespace '" + namespace + "' already holds "
                    + config.maxPerNamespace() + " secrets (strata.secrets.max-per-namespace): delete one first.");
        }
        boolean created = secrets.upsert(namespace, name, box.seal(namespace, name, value), caller.actor());
        audit.record(created ? "secret.created" : "secret.updated", name, namespace, Map.of("keyId",
                box.currentKeyId()));
        return created;
    }

    @Transactional
    public void delete(Caller caller, String namespace, String name) {
        scope.require(caller, Role.ENGINEER, namespace, "delete secrets");
        List<String> users = connections.usingSecret(namespace, name);
        if (!users.isEmpty()) {
            throw ProblemException.conflict("Secret '" + name + "' is used by connection(s) " + String.join(", ", users)
                    + " of namespace '" + namespace + "': change or delete them first.");
        }
        if (!secrets.delete(namespace, name)) {
            throw missing(namespace, name);
        }
        audit.record("secret.deleted", name, namespace, Map.of());
    }

    /** The value, for a resolver service account; audited. */
    @Transactional
    public ResolvedSecret resolve(Caller caller, String namespace, String name, String purpose) {
        scope.requireResolver(caller, namespace);
        String value = open(namespace, name);
        audit.record("secret.resolved", name, namespace, Map.of("purpose", purpose));
        return new ResolvedSecret(namespace, name, value);
    }

    /** The value of a namespace's secret (no checks: for callers that checked already). */
    public String open(String namespace, String name) {
        SecretBox.Sealed sealed = secrets.sealed(namespace, name).orElseThrow(() -> missing(namespace, name));
        return box.open(namespace, name, sealed);
    }

    /** Re-wraps every value not wrapped by the current master key; answers how many. Admin on '*'. */
    @Transactional
    public int rewrapAll(Caller caller) {
        caller.requireGlobalAdmin();
        String current = box.currentKeyId();
        int count = 0;
        for (String[] row : secrets.keys()) {
            if (!row[2].equals(current)) {
                secrets.rewrap(row[0], row[1], box.seal(row[0], row[1], open(row[0], row[1])));
                count++;
            }
        }
        audit.record("secret.rewrapped", "*", null, Map.of("count", count, "keyId", current));
        return count;
    }

    public static void checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ProblemException.badRequest("The " + what + " name '" + (name == null
                    ? ""
                    : name.length() > 80
                            ? name.substring(0, 80) + "..."
                            : name)
                    + "' is not valid: 1 to 63 lower-case letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit.");
        }
    }

    static ProblemException missing(String namespace, String name) {
        return ProblemException.notFound("No secret named '" + name + "' in namespace '" + namespace + "'.");
    }
}
