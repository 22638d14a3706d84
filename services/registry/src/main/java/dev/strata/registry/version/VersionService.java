package dev.strata.registry.version;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.strata.events.DatasetColumn;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventEnvelope;
import dev.strata.events.LoadModes;
import dev.strata.registry.dataset.Column;
import dev.strata.registry.dataset.Dataset;
import dev.strata.registry.dataset.DatasetNames;
import dev.strata.registry.dataset.DatasetRepository;
import dev.strata.registry.dataset.DatasetRequest;
import dev.strata.registry.dataset.DatasetService;
import dev.strata.web.ProblemException;

/**
 * Versions of datasets: recorded from {@code DatasetUpdated} events, listed, and compared.
 *
 * <p>
 * A version for a dataset the registry does not know registers it implicitly: layer {@code raw} (the layer ingest
 * loads) or, when the event names a warehouse table ({@code postgresql://warehouse/sales__gold.daily_sales}, as
 * transform reports its models), that table's schema inside the namespace if it is a layer; the reported table becomes
 * the dataset's warehouse table (previews and shares use it). An event whose table lies in another namespace's schema
 * (or in no namespace's schema) is rejected: a producer of one namespace cannot register over another's table. No source, the event's producer as creator and the event's schema as its columns. A producer that writes
 * another layer (transform) registers its datasets before it reports versions, or an engineer corrects the layer with
 * a PUT.
 */
@ApplicationScoped
public class VersionService {

    public static final String IMPLICIT_LAYER = "raw";
    private static final Logger LOG = Logger.getLogger(VersionService.class);
    private static final int MAX_VERSIONS = 500;

    /** What happened to a reported version. */
    public enum Outcome {
        RECORDED,
        REGISTERED_AND_RECORDED,
        DUPLICATE_VERSION,
        REJECTED
    }

    private final DatasetRepository datasets;
    private final DatasetService datasetService;
    private final VersionRepository versions;

    VersionService(DatasetRepository datasets, DatasetService datasetService, VersionRepository versions) {
        this.datasets = datasets;
        this.datasetService = datasetService;
        this.versions = versions;
    }

    /** Records the version an event reports, in the caller's transaction. */
    public Outcome record(EventEnvelope<DatasetUpdated> event) {
        DatasetUpdated data = event.data();
        try {
            DatasetNames.requireIdentity(data.namespace(), data.name());
        } catch (ProblemException e) {
            LOG.warnf("event %s reports a version of '%s.%s', which is not a valid dataset identity; ignored: %s",
                    event.id(), DatasetNames.printable(data.namespace()), DatasetNames.printable(data.name()),
                    e.problem().detail());
            return Outcome.REJECTED;
        }
        // a producer that reports a column twice gets the first one: the snapshot must fit the catalog's tables,
        // or the event would be retried forever
        Set<String> seen = new HashSet<>();
        List<DatasetColumn> snapshot = data.columns().stream().filter(c -> seen.add(c.name())).toList();
        java.util.Optional<DatasetNames.WarehouseLocation> table = DatasetNames.warehouseLocationOf(
                data.rawLocation());
        if (table.isPresent() && !table.get().namespace().equals(data.namespace())) {
            // a producer of one namespace must not point another namespace's dataset at its table, nor its own
            // dataset at another namespace's table
            LOG.warnf("event %s reports a version of '%s.%s' in table %s, which belongs to namespace '%s'; ignored",
                    event.id(), data.namespace(), data.name(), table.get().qualified(), table.get().namespace());
            return Outcome.REJECTED;
        }
        if (table.isEmpty() && data.rawLocation() != null && data.rawLocation().startsWith("postgresql:")) {
            LOG.warnf("event %s reports a version of '%s.%s' in %s, which is no table of a namespace schema; "
                    + "ignored", event.id(), data.namespace(), data.name(),
                    DatasetNames.printable(data
                            .rawLocation()));
            return Outcome.REJECTED;
        }
        boolean registered = false;
        Dataset dataset = datasets.findForUpdate(data.namespace(), data.name()).orElse(null);
        if (dataset == null) {
            // a model built by transform into sales__gold.daily_sales is a gold dataset; anything else lands in raw
            String schema = table.map(DatasetNames.WarehouseLocation::local).orElse(IMPLICIT_LAYER);
            String layer = DatasetNames.LAYERS.contains(schema) ? schema : IMPLICIT_LAYER;
            List<Column> columns = snapshot.stream().map(c -> new Column(c.name(), c.type(), null)).toList();
            datasets.insert(UUID.randomUUID(), new DatasetRequest(data.namespace(), data.name(), null, null, List.of(),
                    layer, null, null, LoadModes.DEFAULT, List.of(), "evolve", columns), event.source());
            dataset = datasets.findForUpdate(data.namespace(), data.name()).orElseThrow();
            registered = true;
        }
        DatasetVersion version = new DatasetVersion(0, data.versionId(), data.rowCount(), data.bytes(), data.loadId(),
                data.rawLocation(), data.producedByRun(), snapshot, event.source(), event.time(), null);
        if (!versions.insertNext(dataset.id(), version, event.id())) {
            return Outcome.DUPLICATE_VERSION;
        }
        if (!registered && !snapshot.isEmpty()) {
            // the dataset's columns follow its latest schema; descriptions people wrote stay with their column
            Map<String, String> descriptions = new HashMap<>();
            dataset.columns().forEach(c -> descriptions.put(c.name(), c.description()));
            datasets.replaceColumns(dataset.id(), snapshot.stream()
                    .map(c -> new Column(c.name(), c.type(), descriptions.get(c.name()))).toList());
        }
        UUID datasetId = dataset.id();
        table.ifPresent(t -> datasets.setWarehouseTable(datasetId, t.qualified()));
        datasets.touch(dataset.id());
        return registered ? Outcome.REGISTERED_AND_RECORDED : Outcome.RECORDED;
    }

    /** Newest first. */
    public List<DatasetVersion> list(String namespace, String name, Integer limit) {
        Dataset dataset = datasetService.readable(namespace, name);
        int lim = limit == null ? 100 : limit;
        if (lim < 1 || lim > MAX_VERSIONS) {
            throw ProblemException.badRequest("limit must be between 1 and " + MAX_VERSIONS + ".");
        }
        return versions.list(dataset.id(), lim);
    }

    public DatasetVersion get(String namespace, String name, int number) {
        Dataset dataset = datasetService.readable(namespace, name);
        return version(dataset, number);
    }

    /**
     * The schema changes from version {@code from} to version {@code to}; {@code to} defaults to the latest version,
     * {@code from} to the one before {@code to}.
     */
    public SchemaDiff diff(String namespace, String name, Integer from, Integer to) {
        Dataset dataset = datasetService.readable(namespace, name);
        DatasetVersion newer = to == null
                ? versions.latest(dataset.id()).orElseThrow(() -> ProblemException
                        .notFound("Dataset '" + dataset.qualifiedName() + "' has no versions yet: load it first."))
                : version(dataset, to);
        int fromNumber = from == null ? newer.number() - 1 : from;
        if (fromNumber < 1) {
            throw ProblemException.badRequest("Version " + newer.number() + " is the first version of '"
                    + dataset.qualifiedName() + "'; there is nothing before it to compare with.");
        }
        DatasetVersion older = version(dataset, fromNumber);
        return SchemaDiff.between(older, newer);
    }

    private DatasetVersion version(Dataset dataset, int number) {
        return versions.find(dataset.id(), number).orElseThrow(() -> ProblemException.notFound("Dataset '"
                + dataset.qualifiedName() + "' has no version " + number + "."));
    }

}
