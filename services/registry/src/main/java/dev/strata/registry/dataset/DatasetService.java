package dev.strata.registry.dataset;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

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

    private final DatasetRepository datasets;
    private final NamespaceAccess access;

    DatasetService(DatasetRepository datasets, NamespaceAccess access) {
        this.datasets = datasets;
        this.access = access;
    }

    @Transactional
    public Dataset register(DatasetRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("The request needs a JSON body describing the dataset.");
        }
        DatasetNames.requireIdentity(request.namespace(), request.name());
        access.require(request.namespace(), Role.ENGINEER);
        DatasetRequest valid = DatasetValidator.validate(request.namespace(), request.name(), request);
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
        DatasetRequest valid = DatasetValidator.validate(namespace, name, request);
        datasets.update(existing.id(), valid);
        return datasets.find(namespace, name).orElseThrow();
    }

    @Transactional
    public void delete(String namespace, String name) {
        Dataset existing = readable(namespace, name);
        access.require(namespace, Role.ENGINEER);
        datasets.delete(existing.id());
    }

    /** The dataset, or 404 when it does not exist or the caller cannot read its namespace. */
    public Dataset get(String namespace, String name) {
        return readable(namespace, name);
    }

    public LoadSpec loadSpec(String namespace, String name) {
        Dataset dataset = readable(namespace, name);
        if (dataset.source() == null) {
            throw ProblemException.notFound("Dataset '" + dataset.qualifiedName() + "' has no source: it is built "
                    + "by a transform, not loaded.");
        }
        return LoadSpec.of(dataset);
    }

    public List<Dataset> list(String namespace, String tag, String layer, String search, Integer limit,
            Integer offset) {
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
        if (scope.isEmpty() || (namespace != null && !scope.includes(namespace))) {
            return List.of();
        }
        String q = search == null || search.isBlank() ? null : search.strip();
        return datasets.list(scope, new DatasetQuery(namespace, blankToNull(tag), layer, q, lim, off));
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

    private static ProblemException notFound(String namespace, String name) {
        return ProblemException.notFound("No dataset '" + namespace + "." + name + "' that you can read.");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
