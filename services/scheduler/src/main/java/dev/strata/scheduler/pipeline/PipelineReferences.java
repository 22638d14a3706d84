package dev.strata.scheduler.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import dev.strata.events.LoadSpec;
import dev.strata.scheduler.client.CatalogClient;
import dev.strata.scheduler.pipeline.PipelineParser.Reference;
import dev.strata.scheduler.pipeline.PipelineParser.ReferenceKind;
import dev.strata.web.ProblemException;

/**
 * Checks, when a pipeline is saved, that what it names exists in the other services: the registered datasets of its
 * {@code ingest} tasks (registry), the project versions of its {@code transform} tasks (transform), the channels of its
 * {@code notify} tasks and notifications (notifier), the connections their load specs read through — inline
 * ({@code source.connection}) or in a registered dataset's stored spec — (auth: metadata only). A missing one refuses the save with 422, naming the YAML path and
 * line ({@link UnresolvedReferencesException}); a service that cannot say refuses it with 503 — never a silent
 * accept. A {@code transform} task's selector must pick at least one model of its project version (asked at the transform
 * service's {@code /selection}).
 */
@ApplicationScoped
public class PipelineReferences {

    /** Something the pipeline names does not exist: 422 with every finding. */
    public static class UnresolvedReferencesException extends PipelineInvalidException {

        public UnresolvedReferencesException(List<FieldError> errors) {
            super(errors);
        }
    }

    private final CatalogClient catalog;

    PipelineReferences(CatalogClient catalog) {
        this.catalog = catalog;
    }

    public void check(PipelineParser.Parsed parsed) {
        List<FieldError> errors = new ArrayList<>();
        // one question per distinct name and kind
        Map<String, Boolean> answers = new LinkedHashMap<>();
        try {
            for (Reference r : parsed.references()) {
                String key = r.kind() + " " + r.project() + " " + r.name();
                Boolean exists = answers.get(key);
                if (exists == null) {
                    exists = exists(r);
                    if (exists == null) {
                        continue;
                    }
                    answers.put(key, exists);
                }
                if (!exists) {
                    errors.add(r.error(missing(r)));
                } else if (r.kind() == ReferenceKind.DATASET && catalog.verifies("connections")) {
                    // the registered dataset's stored spec may name a connection: it must exist too
                    String connection = registeredConnection(r);
                    if (connection != null && !catalog.connectionExists(r.namespace(), connection)) {
                        errors.add(r.error("the registered dataset '" + r.name() + "' reads through connection '"
                                + connection + "', which does not exist in namespace '" + r.namespace()
                                + "': create it first (PUT /api/v1/namespaces/" + r.namespace() + "/connections/"
                                + connection + " at auth) or register the dataset again"));
                    }
                }
            }
        } catch (CatalogClient.Unavailable e) {
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "dependency-unavailable", "The pipeline "
                    + "was not saved: what it names cannot be checked now, " + e.getMessage() + ". Retry in a moment.");
        }
        if (!errors.isEmpty()) {
            throw new UnresolvedReferencesException(errors);
        }
    }

    /** Whether the reference exists; null when its kind is not checked. */
    private Boolean exists(Reference r) throws CatalogClient.Unavailable {
        return switch (r.kind()) {
            case DATASET -> catalog.verifies("datasets") ? catalog.loadSpec(r.namespace(), r.name()).isPresent() : null;
            case PROJECT -> catalog.verifies("projects") ? catalog.projectExists(r.namespace(), r.name()) : null;
            case CHANNEL -> catalog.verifies("channels") ? catalog.channelExists(r.namespace(), r.name()) : null;
            case CONNECTION -> catalog.verifies("connections")
                    ? catalog.connectionExists(r.namespace(), r.name())
                    : null;
            case SELECTOR -> catalog.verifies("projects")
                    ? catalog.selectorMatches(r.namespace(), r.project(), r.name())
                    : null;
        };
    }

    /** The connection the registered dataset's stored load spec reads through, or null. */
    private String registeredConnection(Reference r) throws CatalogClient.Unavailable {
        return catalog.loadSpec(r.namespace(), r.name()).map(LoadSpec::source).map(LoadSpec.Source::connection)
                .orElse(null);
    }

    private static String missing(Reference r) {
        return switch (r.kind()) {
            case DATASET -> "there is no registered dataset '" + r.name() + "' with a source in namespace '"
                    + r.namespace() + "': register it first (POST /api/v1/datasets at the registry)";
            case PROJECT -> "there is no transform project version '" + r.name() + "' in namespace '"
                    + r.namespace() + "': push the project first (POST /api/v1/projects/" + r.namespace()
                    + " at transform)";
            case CHANNEL -> "there is no notification channel '" + r.name() + "' in namespace '" + r.namespace()
                    + "': create it first (POST /api/v1/channels at the notifier)";
            case CONNECTION -> "there is no connection '" + r.name() + "' in namespace '" + r.namespace()
                    + "': create it first (PUT /api/v1/namespaces/" + r.namespace() + "/connections/" + r.name()
                    + " at auth)";
            case SELECTOR -> "the selector '" + r.name() + "' matches no model of project version '" + r.project()
                    + "' in namespace '" + r.namespace() + "' (or the transform service cannot read it)";
        };
    }
}
