package dev.strata.auth.setting;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.NamespaceScope;
import dev.strata.auth.access.Role;
import dev.strata.auth.audit.AuditLog;
import dev.strata.netguard.AddressGuard;
import dev.strata.web.ProblemException;
import dev.strata.web.db.Db;

/**
 * A namespace's allowed private hosts: admins of the namespace set them, anyone who reads the namespace sees them, the
 * workers read them with the connection they resolve. Each entry is checked as the address guard reads it.
 */
@ApplicationScoped
public class AllowedHostsService {

    public static final int MAX_ENTRIES = 100;

    private final Db db;
    private final NamespaceScope scope;
    private final AuditLog audit;

    AllowedHostsService(Db db, NamespaceScope scope, AuditLog audit) {
        this.db = db;
        this.scope = scope;
        this.audit = audit;
    }

    public AllowedHosts get(Caller caller, String namespace) {
        scope.require(caller, Role.VIEWER, namespace, "read settings");
        return read(namespace);
    }

    /** No checks: for callers that checked already. */
    public AllowedHosts read(String namespace) {
        return db.one("SELECT * FROM namespace_allowed_hosts WHERE namespace = ?",
                rs -> new AllowedHosts(namespace, List.of((String[]) rs.getArray("hosts").getArray()),
                        Db.instant(rs, "updated_at"), rs.getString("updated_by")),
                namespace).orElse(new AllowedHosts(namespace, List.of(), null, null));
    }

    @Transactional
    public AllowedHosts put(Caller caller, String namespace, AllowedHostsRequest request) {
        scope.require(caller, Role.ADMIN, namespace, "change settings");
        if (request == null || request.hosts() == null) {
            throw ProblemException.badRequest("Field 'hosts' is required: a list of host names, addresses and CIDR "
                    + "ranges (empty for none).");
        }
        if (request.hosts().size() > MAX_ENTRIES) {
            throw ProblemException.badRequest("Field 'hosts' has " + request.hosts().size() + " entries, over the "
                    + "limit of " + MAX_ENTRIES + ".");
        }
        List<String> hosts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < request.hosts().size(); i++) {
            String entry = request.hosts().get(i);
            String field = "hosts[" + i + "]";
            if (entry == null || entry.isBlank() || entry.length() > 255) {
                problems.add(field + " must be a host name, an address or a CIDR range of 1 to 255 characters");
                continue;
            }
            try {
                AddressGuard.of(List.of(entry), field);
                String clean = entry.strip().toLowerCase(Locale.ROOT);
                if (!hosts.contains(clean)) {
                    hosts.add(clean);
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw ProblemException.badRequest(String.join("; ", problems) + ".", problems);
        }
        List<String> before = read(namespace).hosts();
        db.update("INSERT INTO namespace_allowed_hosts (namespace, hosts, updated_by) VALUES (?, ?, ?) "
                + "ON CONFLICT (namespace) DO UPDATE SET hosts = EXCLUDED.hosts, updated_at = now(), "
                + "updated_by = EXCLUDED.updated_by", namespace, hosts.toArray(String[]::new), caller.actor());
        audit.record("settings.allowed_hosts.changed", namespace, namespace, Map.of("from", before, "to", hosts));
        return read(namespace);
    }
}
