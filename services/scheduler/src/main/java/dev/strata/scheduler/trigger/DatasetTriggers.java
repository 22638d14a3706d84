package dev.strata.scheduler.trigger;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.strata.events.DatasetUpdated;
import dev.strata.scheduler.run.RunEngine;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.db.Db;

/**
 * Starts the pipelines whose current version declares {@code triggers: - type: dataset_updated, dataset: ns.name}
 * when that dataset gets a new version. A pipeline is not re-triggered by an update that one of its own runs made.
 * Only pipelines of the dataset's own namespace are triggered: the parser refuses a trigger on another namespace's
 * dataset, and a version stored before that check still never fires on another namespace's update.
 */
@ApplicationScoped
public class DatasetTriggers {

    private static final Logger LOG = Logger.getLogger(DatasetTriggers.class);

    private final Db db;
    private final RunEngine engine;

    DatasetTriggers(Db db, RunEngine engine) {
        this.db = db;
        this.engine = engine;
    }

    /** In the caller's transaction (the event's). */
    public void onDatasetUpdated(DatasetUpdated event) {
        if (!Namespaces.isValid(event.namespace()) || event.name() == null) {
            LOG.debugf("dataset update of namespace '%s' ignored: not a valid namespace",
                    Namespaces.printable(event.namespace()));
            return;
        }
        String dataset = event.namespace() + "." + event.name();
        record Target(String namespace, String id) {
        }
        var triggers = JsonNodeFactory.instance.arrayNode();
        triggers.addObject().put("type", "dataset_updated").put("dataset", dataset);
        List<Target> targets = db.list("SELECT p.namespace, p.pipeline_id FROM pipeline p JOIN pipeline_version v "
                + "ON v.namespace = p.namespace AND v.pipeline_id = p.pipeline_id AND v.version = p.current_version "
                + "WHERE NOT p.deleted AND p.paused_at IS NULL AND p.namespace = ? AND v.definition -> 'triggers' @> ?::jsonb ORDER BY 1, 2",
                rs -> new Target(rs.getString(1), rs.getString(2)), event.namespace(), triggers.toString());
        for (Target t : targets) {
            UUID causingRun = event.producedByRun();
            if (causingRun != null && db.count("SELECT count(*) FROM run WHERE id = ? AND namespace = ? "
                    + "AND pipeline_id = ?", causingRun, t.namespace(), t.id()) > 0) {
                continue; // its own output: no loop
            }
            try {
                engine.trigger(t.namespace(), t.id(), "dataset:" + dataset,
                        Map.of("dataset", dataset, "dataset_version", String.valueOf(event.versionId())), null,
                        null);
            } catch (RunEngine.RefusedException e) {
                LOG.infof("dataset %s updated; %s.%s not triggered: %s", dataset, t.namespace(), t.id(),
                        e.getMessage());
            }
        }
    }
}
