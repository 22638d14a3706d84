package dev.strata.registry.share;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.strata.events.AuditRecorded;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.quarkus.Outbox;
import dev.strata.registry.dataset.Dataset;
import dev.strata.registry.dataset.DatasetNames;
import dev.strata.registry.dataset.DatasetNames.WarehouseLocation;
import dev.strata.registry.dataset.DatasetService;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

/**
 * Shares: an admin of a dataset's namespace lets another namespace read the dataset's warehouse table. The share row,
 * its audit event ({@code AuditRecorded} through the outbox) and the grant in Postgres go together: the grant is made
 * last in the transaction and taken back if the transaction does not commit; a revoke is made before the row goes, so
 * a failure never leaves more access than the catalog shows.
 */
@ApplicationScoped
public class ShareService {

    static final String SHARED = "dataset.shared";
    static final String UNSHARED = "dataset.unshared";
    private static final String SOURCE = "/strata/registry";
    private static final Logger LOG = Logger.getLogger(ShareService.class);

    private final DatasetService datasets;
    private final ShareRepository shares;
    private final ShareGrants grants;
    private final NamespaceAccess access;
    private final Outbox outbox;
    private final TransactionSynchronizationRegistry transactions;
    private final EventCodec codec = new EventCodec();

    ShareService(DatasetService datasets, ShareRepository shares, ShareGrants grants, NamespaceAccess access,
            Outbox outbox, TransactionSynchronizationRegistry transactions) {
        this.datasets = datasets;
        this.shares = shares;
        this.grants = grants;
        this.access = access;
        this.outbox = outbox;
        this.transactions = transactions;
    }

    /** The dataset's shares (viewer in its namespace). */
    public List<DatasetShare> list(String namespace, String name) {
        return shares.list(datasets.readable(namespace, name));
    }

    /** The share, made now (created) or already there (the grant made again, in case a rebuild lost it). */
    public record Outcome(DatasetShare share, boolean created) {
    }

    @Transactional
    public Outcome share(String namespace, String name, ShareRequest request) {
        Dataset dataset = datasets.readable(namespace, name);
        access.require(namespace, Role.ADMIN);
        String reader = reader(namespace, request == null ? null : request.namespace());
        WarehouseLocation table = table(dataset);
        boolean created = shares.find(dataset, reader).isEmpty();
        if (created) {
            shares.insert(dataset.id(), reader, table.qualified(), access.principal());
            audit(SHARED, dataset, reader, table);
        }
        grant(dataset, table, reader, created);
        return new Outcome(shares.find(dataset, reader).orElseThrow(), created);
    }

    @Transactional
    public void unshare(String namespace, String name, String reader) {
        Dataset dataset = datasets.readable(namespace, name);
        access.require(namespace, Role.ADMIN);
        DatasetNames.requireNamespace(reader);
        DatasetShare share = shares.find(dataset, reader).orElseThrow(() -> ProblemException.notFound("Dataset '"
                + dataset.qualifiedName() + "' is not shared with namespace '" + reader + "'."));
        DatasetNames.parseTable(share.table()).ifPresent(table -> {
            try {
                grants.revoke(table, reader);
            } catch (SQLException e) {
                throw unavailable("revoking " + share.table() + " from namespace '" + reader + "'", e);
            }
        });
        shares.delete(dataset.id(), reader);
        audit(UNSHARED, dataset, reader, DatasetNames.parseTable(share.table()).orElse(null));
    }

    /**
     * Makes the grants of a dataset's shares again after a new version: a rebuild that replaces the table (transform
     * creates a new table and renames it) leaves the new table without them. Failures are logged, not thrown: the
     * version is recorded already, and the next version or a new POST of the share grants again.
     */
    public void reapply(String namespace, String name) {
        for (DatasetShare share : shares.list(namespace, name)) {
            DatasetNames.parseTable(share.table()).ifPresent(table -> {
                try {
                    if (!grants.grant(table, share.namespace())) {
                        LOG.warnf("the share of %s with namespace '%s' could not be granted again: the table is not "
                                + "owned by namespace '%s'", share.table(), share.namespace(), namespace);
                    }
                } catch (SQLException e) {
                    LOG.warnf("the share of %s with namespace '%s' could not be granted again: %s (SQL state %s)",
                            share.table(), share.namespace(), e.getMessage(), e.getSQLState());
                }
            });
        }
    }

    /**
     * Makes the grants of every share again, at start: a share made before the SQL workspace's read-only roles got
     * shared tables too (or a grant a rebuild lost) is granted to both roles of the reading namespace. Stops at the
     * first failure to reach the warehouse (the next start, version or POST of the share grants again).
     */
    void onStart(@Observes StartupEvent start) {
        regrantAll();
    }

    /** {@link #onStart}: answers how many shares were granted. */
    public int regrantAll() {
        int granted = 0;
        for (DatasetShare share : shares.all()) {
            WarehouseLocation table = DatasetNames.parseTable(share.table()).orElse(null);
            if (table == null) {
                continue;
            }
            try {
                if (grants.grant(table, share.namespace())) {
                    granted++;
                }
            } catch (SQLException e) {
                if (ShareGrants.isMissing(e)) {
                    continue;
                }
                LOG.warnf("the shares could not be granted again at start: %s (SQL state %s); they are granted "
                        + "again at the next start, version or share", e.getMessage(), e.getSQLState());
                break;
            }
        }
        return granted;
    }

    private static String reader(String owner, String reader) {
        if (reader == null) {
            throw ProblemException.badRequest("Name the namespace to share with: {\"namespace\":\"<namespace>\"}.");
        }
        DatasetNames.requireNamespace(reader);
        if (reader.equals(owner)) {
            throw ProblemException.badRequest("Dataset of namespace '" + owner + "' is readable in '" + owner
                    + "' already; share it with another namespace.");
        }
        return reader;
    }

    /** The dataset's warehouse table, in one of its own namespace's schemas; 409 when it has none (yet). */
    private WarehouseLocation table(Dataset dataset) {
        WarehouseLocation table = DatasetNames.parseTable(dataset.warehouseTable())
                .filter(t -> t.namespace().equals(dataset.namespace()))
                .orElseThrow(() -> ProblemException.conflict("Dataset '" + dataset.qualifiedName() + "' has no table "
                        + "in a schema of namespace '" + dataset.namespace() + "' (it names '" + DatasetNames
                                .printable(dataset.warehouseTable())
                        + "'); load or build it again so that its table follows the namespace layout, then share it."));
        try {
            if (!grants.exists(table)) {
                throw ProblemException.conflict("Dataset '" + dataset.qualifiedName() + "' has no table "
                        + table.qualified() + " in the warehouse yet: load or build it first, then share it.");
            }
        } catch (SQLException e) {
            throw unavailable("looking up " + table.qualified(), e);
        }
        return table;
    }

    private void grant(Dataset dataset, WarehouseLocation table, String reader, boolean created) {
        boolean granted;
        try {
            granted = grants.grant(table, reader);
        } catch (SQLException e) {
            if (ShareGrants.isMissing(e)) {
                throw ProblemException.conflict("Dataset '" + dataset.qualifiedName() + "' has no table "
                        + table.qualified() + " in the warehouse yet: load or build it first, then share it.");
            }
            if (ShareGrants.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw notOwned(dataset, table);
            }
            throw unavailable("granting " + table.qualified() + " to namespace '" + reader + "'", e);
        }
        if (created) {
            // the row and the audit event may still roll back: then the grant goes too
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    // the grant is made already
                }

                @Override
                public void afterCompletion(int status) {
                    if (status != Status.STATUS_COMMITTED) {
                        revokeQuietly(table, reader);
                    }
                }
            });
        }
        if (!granted) {
            throw notOwned(dataset, table);
        }
    }

    private static ProblemException notOwned(Dataset dataset, WarehouseLocation table) {
        return ProblemException.conflict("Table " + table.qualified() + " is not owned by namespace '"
                + dataset.namespace() + "' (it was made outside Strata), so it cannot be shared; rebuild it with a "
                + "load or a build of the namespace.");
    }

    private void revokeQuietly(WarehouseLocation table, String reader) {
        try {
            grants.revoke(table, reader);
        } catch (SQLException e) {
            LOG.errorf("a share of %s with namespace '%s' was rolled back but its grant could not be revoked: %s "
                    + "(SQL state %s)", table.qualified(), reader, e.getMessage(), e.getSQLState());
        }
    }

    private void audit(String action, Dataset dataset, String reader, WarehouseLocation table) {
        Map<String, String> details = table == null
                ? Map.of("reader", reader)
                : Map.of("reader", reader, "table", table.qualified());
        AuditRecorded event = new AuditRecorded(access.principal(), action, dataset.qualifiedName(), dataset
                .namespace(), details);
        outbox.append(OutboxMessage.of(EventEnvelope.of(SOURCE, dataset.namespace(), event), codec));
    }

    private static ProblemException unavailable(String what, SQLException e) {
        LOG.errorf("%s failed: %s (SQL state %s)", what, e.getMessage(), e.getSQLState());
        return new ProblemException(jakarta.ws.rs.core.Response.Status.SERVICE_UNAVAILABLE, "warehouse-unavailable",
                "The warehouse did not answer while " + what + " (SQL state " + e.getSQLState() + "); nothing "
                        + "changed, retry in a moment.");
    }
}
