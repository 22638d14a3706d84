package dev.strata.auth.connection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.NamespaceScope;
import dev.strata.auth.access.Role;
import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.config.SecretsConfig;
import dev.strata.auth.secret.SecretRepository;
import dev.strata.auth.secret.SecretService;
import dev.strata.auth.setting.AllowedHostsService;
import dev.strata.web.ProblemException;

/**
 * A namespace's connections (http, s3, jdbc, slack, webhook, smtp): engineers and admins write them, viewers read their
 * settings (never a secret's value); a resolver service account gets them with their secrets' values. Every change
 * and resolution is audited.
 */
@ApplicationScoped
public class ConnectionService {

    private final ConnectionRepository connections;
    private final SecretRepository secrets;
    private final SecretService secretService;
    private final AllowedHostsService allowedHosts;
    private final NamespaceScope scope;
    private final AuditLog audit;
    private final SecretsConfig config;

    ConnectionService(ConnectionRepository connections, SecretRepository secrets, SecretService secretService,
            AllowedHostsService allowedHosts, NamespaceScope scope, AuditLog audit, SecretsConfig config) {
        this.connections = connections;
        this.secrets = secrets;
        this.secretService = secretService;
        this.allowedHosts = allowedHosts;
        this.scope = scope;
        this.audit = audit;
        this.config = config;
    }

    public List<ConnectionView> list(Caller caller, String namespace) {
        scope.require(caller, Role.VIEWER, namespace, "list connections");
        return connections.list(namespace);
    }

    public ConnectionView get(Caller caller, String namespace, String name) {
        scope.require(caller, Role.VIEWER, namespace, "read connections");
        return connections.find(namespace, name).orElseThrow(() -> missing(namespace, name));
    }

    /** Creates or replaces a connection; answers whether it was created. */
    @Transactional
    public boolean put(Caller caller, String namespace, String name, ConnectionRequest request) {
        scope.require(caller, Role.ENGINEER, namespace, "write connections");
        SecretService.checkName(name, "connection");
        if (request == null || request.kind() == null) {
            throw ProblemException.badRequest("Field 'kind' is required: one of " + ConnectionKind.names() + ".");
        }
        ConnectionKind kind = ConnectionKind.parse(request.kind()).orElseThrow(() -> ProblemException.badRequest(
                "Field 'kind' must be one of " + ConnectionKind.names() + ", got '" + clip(request.kind()) + "'."));
        List<String> problems = new ArrayList<>();
        Map<String, Object> settings = kind.settings(request, problems);
        for (Map.Entry<String, Object> field : settings.entrySet()) {
            if (ConnectionKind.isSecretRef(field.getKey()) && problems.stream().noneMatch(p -> p.contains(
                    "'" + field.getKey() + "'")) && secrets.find(namespace, (String) field.getValue()).isEmpty()) {
                problems.add("field '" + field.getKey() + "' names secret '" + field.getValue() + "', which namespace '"
                        + namespace + "' does not have: create it first (PUT /api/v1/namespaces/" + namespace
                        + "/secrets/" + field.getValue() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw ProblemException.badRequest(String.join("; ", problems) + ".", problems);
        }
        if (connections.find(namespace, name).isEmpty() && connections.count(namespace) >= config.maxPerNamespace()) {
            throw ProblemException.conflict("Namespace '" + namespace + "' already holds " + config.maxPerNamespace()
                    + " connections (strata.secrets.max-per-namespace): delete one first.");
        }
        boolean created = connections.upsert(namespace, name, kind.value(), settings, caller.actor());
        audit.record(created ? "connection.created" : "connection.updated", name, namespace,
                Map.of("kind", kind.value(), "settings", settings));
        return created;
    }

    @Transactional
    public void delete(Caller caller, String namespace, String name) {
        scope.require(caller, Role.ENGINEER, namespace, "delete connections");
        if (!connections.delete(namespace, name)) {
            throw missing(namespace, name);
        }
        audit.record("connection.deleted", name, namespace, Map.of());
    }

    /** The connection with its secrets' values and the namespace's allowed hosts, for a resolver; audited. */
    @Transactional
    public ResolvedConnection resolve(Caller caller, String namespace, String name, String purpose) {
        scope.requireResolver(caller, namespace);
        ConnectionView connection = connections.find(namespace, name).orElseThrow(() -> missing(namespace, name));
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : connection.settings().entrySet()) {
            if (ConnectionKind.isSecretRef(field.getKey())) {
                String secret = (String) field.getValue();
                values.put(field.getKey(), secrets.sealed(namespace, secret).map(s -> secretService.open(namespace,
                        secret)).orElseThrow(() -> ProblemException.conflict(
                                "Connection '" + name + "' of namespace '"
                                        + namespace + "' names secret '" + secret + "' in '" + field.getKey()
                                        + "', which no longer exists.")));
            }
        }
        audit.record("connection.resolved", name, namespace, Map.of("kind", connection.kind(), "purpose", purpose));
        return new ResolvedConnection(namespace, name, connection.kind(), connection.settings(), values,
                allowedHosts.read(namespace).hosts());
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    static ProblemException missing(String namespace, String name) {
        return ProblemException.notFound("No connection named '" + name + "' in namespace '" + namespace + "'.");
    }
}
