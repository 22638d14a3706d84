package dev.strata.registry.dataset;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import dev.strata.events.LoadSpec;
import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.share.DatasetShare;
import dev.strata.registry.share.ShareGrants;
import dev.strata.registry.share.ShareRepository;
import dev.strata.security.Grants;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

/**
 * Registering, changing, finding and deleting datasets. Reads are scoped to the namespaces the caller can read
 * (others do not exist for it: 404, never in a list); writes need the engineer role in the dataset's namespace.
 */
@ApplicationScoped
public class DatasetService {

    private static final int MAX_LIMIT = 500;
    static final String INCLUDE_SHARED = "shared";

    private final DatasetRepository datasets;
    private final NamespaceAccess access;
    private final ShareRepository shares;
    private final ShareGrants grants;
    private final RegistryConfig config;
    private final ConnectionNames connections;

    DatasetService(DatasetRepository datasets, NamespaceAccess access, ShareRepository shares, ShareGrants grants,
            RegistryConfig config, ConnectionNames connections) {
        this.datasets = datasets;
        this.access = access;
        this.shares = shares;
        this.grants = grants;
        this.config = config;
        this.connections = connections;
    }

    @Transactional
    public Dataset register(DatasetRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("The request needs a JSON body describing the dataset.");
        }
        DatasetNames.requireIdentity(request.namespace(), request.name());
        access.require(request.namespace(), Role.ENGINEER);
        DatasetRequest valid = DatasetValidator.validate(request.namespace(), request.name(), request,
                config.lakeBucket());
        connections.requireExisting(valid.namespace(), valid.source() == null ? null : valid.source().connection());
        if (datasets.find(valid.namespace(), valid.name()).isPresent()) {
            throw ProblemException.conflict("Dataset '" + valid.namespace() + "." + valid.name() + "' already "
                    + "exists; update it with PUT /api/v1/datasets/" + valid.namespace() + "/" + valid.name() + ".");
        }
        datasets.insert(UUID.randomUUID(), valid, access.principal());
        return datasets.find(valid.namespace(), valid.name()).orElseThrow();
    }

    @Transactional
    public Dataset update(String namespace, String name, DatasetRequest request) {
        Dataset existing = readable(namespace, name);
        access.require(namespace, Role.ENGINEER);
        if (request != null && ((request.namespace() != null && !request.namespace().equals(namespace))
                || (request.name() != null && !request.name().equals(name)))) {
            throw ProblemException.badRequest("The body names '" + DatasetNames.printable(request.namespace()) + "."
                    + DatasetNames.printable(request.name()) + "' but the path names '" + namespace + "." + name
                    + "'; a dataset cannot be renamed, register a new one instead.");
        }
        DatasetRequest valid = DatasetValidator.validate(namespace, name, request, config.lakeBucket());
        connections.requireExisting(namespace, valid.source() == null ? null : valid.source().connection());
        datasets.update(existing.id(), valid);
        return datasets.find(namespace, name).orElseThrow();
    }

    /** Deletes the dataset and its shares; the readers lose their grant on its table first. */
    @Transactional
    public void delete(String namespace, String name) {
        Dataset existing = readable(namespace, name);
        access.require(namespace, Role.ENGINEER);
        for (DatasetShare share : shares.list(existing)) {
            DatasetNames.parseTable(share.table()).ifPresent(table -> {
                try {
                    grants.revoke(table, share.namespace());
                } catch (SQLException e) {
                    throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "warehouse-unavailable",
                            "The warehouse did not answer while revoking the share of " + share.table() + " with "
                                    + "namespace '" + share.namespace() + "' (SQL state " + e.getSQLState()
                                    + "); nothing was deleted, retry in a moment.");
                }
            });
        }
        datasets.delete(existing.id());
    }

    /**
     * The dataset, or 404 when it does not exist or the caller can read neither its namespace nor a namespace it is
     * shared with. A caller of a reader namespace sees only the shares of the namespaces it can read.
     */
    public Dataset get(String namespace, String name) {
        return visible(readableOrShared(namespace, name));
    }

    public LoadSpec loadSpec(String namespace, String name) {
        Dataset dataset = readable(namespace, name);
        if (dataset.source() == null) {
            throw ProblemException.notFound("Dataset '" + dataset.qualifiedName() + "' has no source: it is built "
                    + "by a transform, not loaded.");
        }
        return new LoadSpec(dataset.namespace(), dataset.name(), dataset.source(), dataset.format(),
                dataset.loadMode(), dataset.mergeKey(), dataset.contract(), dataset.columns().stream()
                        .map(c -> new LoadSpec.Column(c.name(), c.type(), c.description())).toList());
    }

    public List<Dataset> list(String namespace, String tag, String layer, String search, Integer limit,
            Integer offset, String include) {
        boolean shared = include != null && !include.isBlank();
        if (shared && !INCLUDE_SHARED.equals(include.strip())) {
            throw ProblemException.badRequest("Unknown include '" + DatasetNames.printable(include) + "': use '"
                    + INCLUDE_SHARED + "' to list also the datasets of other namespaces shared with yours.");
        }
        if (namespace != null) {
            DatasetNames.requireNamespace(namespace);
        }
        if (layer != null) {
            DatasetNames.requireLayer(layer);
        }
        int lim = limit == null ? 100 : limit;
        int off = offset == null ? 0 : offset;
        if (lim < 1 || lim > MAX_LIMIT) {
            throw ProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT + ".");
        }
        if (off < 0) {
            throw ProblemException.badRequest("offset must not be negative.");
        }
        NamespaceAccess.Scope scope = access.readable();
        if (scope.isEmpty() || (!shared && namespace != null && !scope.includes(namespace))) {
            return List.of();
        }
        String q = search == null || search.isBlank() ? null : search.strip();
        return datasets.list(scope, new DatasetQuery(namespace, blankToNull(tag), layer, q, lim, off, shared))
                .stream().map(this::visible).toList();
    }

    /** The dataset if the caller can read its namespace; 404 otherwise, whether or not it exists. */
    public Dataset readable(String namespace, String name) {
        DatasetNames.requireNamespace(namespace);
        DatasetNames.requireName(name);
        if (!access.readable().includes(namespace)) {
            throw notFound(namespace, name);
        }
        return datasets.find(namespace, name).orElseThrow(() -> notFound(namespace, name));
    }

    /**
     * The dataset if the caller can read its namespace, or if it is shared with a namespace the caller can read (a
     * read-only view: its metadata and, for analysts of the reader namespace, a preview); 404 otherwise.
     */
    public Dataset readableOrShared(String namespace, String name) {
        DatasetNames.requireNamespace(namespace);
        DatasetNames.requireName(name);
        if (access.readable().includes(namespace)) {
            return datasets.find(namespace, name).orElseThrow(() -> notFound(namespace, name));
        }
        return datasets.find(namespace, name).filter(d -> sharedReader(d, Role.VIEWER).isPresent())
                .orElseThrow(() -> notFound(namespace, name));
    }

    /** A namespace the dataset is shared with in which the caller has {@code needed}, if any. */
    public Optional<String> sharedReader(Dataset dataset, Role needed) {
        Grants grants = access.grants();
        return dataset.sharedWith().stream().filter(reader -> grants.allows(reader, needed)).findFirst();
    }

    /** The dataset as the caller may see it: the shares of namespaces it cannot read left out. */
    private Dataset visible(Dataset dataset) {
        if (access.readable().includes(dataset.namespace())) {
            return dataset;
        }
        Grants grants = access.grants();
        return dataset.withSharedWith(dataset.sharedWith().stream().filter(r -> grants.allows(r, Role.VIEWER))
                .toList());
    }

    private static ProblemException notFound(String namespace, String name) {
        return ProblemException.notFound("No dataset '" + namespace + "." + name + "' that you can read.");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
