package dev.strata.scheduler.pipeline;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.strata.events.LoadSpec;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Urls;
import dev.strata.scheduler.pipeline.PipelineDefinition.CatchUp;
import dev.strata.scheduler.pipeline.PipelineDefinition.Concurrency;
import dev.strata.scheduler.pipeline.PipelineDefinition.ConcurrencyPolicy;
import dev.strata.scheduler.pipeline.PipelineDefinition.Notification;
import dev.strata.scheduler.pipeline.PipelineDefinition.NotifyOn;
import dev.strata.scheduler.pipeline.PipelineDefinition.Schedule;
import dev.strata.scheduler.pipeline.PipelineDefinition.Task;
import dev.strata.scheduler.pipeline.PipelineDefinition.TaskType;
import dev.strata.scheduler.pipeline.PipelineDefinition.Trigger;
import dev.strata.scheduler.pipeline.PipelineDefinition.TriggerType;
import dev.strata.warehouse.Namespaces;

/**
 * Reads a pipeline's YAML and checks it: unknown fields, unknown task types, dependencies on unknown tasks, cycles,
 * invalid cron expressions and timezones, durations, per-type inputs. Every finding names its YAML path (e.g.
 * {@code tasks[2].depends_on[0]}) with the line and column where it was written. Thread-safe.
 *
 * <p>
 * Namespaces follow the platform's one rule ({@link Namespaces}), and a pipeline names only its own: its ingest tasks
 * load into its namespace and its {@code dataset_updated} triggers watch datasets of its namespace.
 */
public final class PipelineParser {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final int MAX_TASKS = 500;

    private static final Set<String> ROOT_FIELDS = orderedSet("namespace", "id", "description", "schedule",
            "catch_up", "triggers", "params", "tasks", "concurrency", "sla", "notifications");
    private static final Set<String> SCHEDULE_FIELDS = orderedSet("cron", "timezone");
    private static final Set<String> TRIGGER_FIELDS = orderedSet("type", "dataset");
    private static final Set<String> TASK_FIELDS = orderedSet("id", "type", "depends_on", "retries", "timeout",
            "inputs");
    private static final Set<String> RETRY_FIELDS = orderedSet("count", "backoff", "factor", "max_backoff");
    private static final Set<String> CONCURRENCY_FIELDS = orderedSet("limit", "policy");
    private static final Set<String> SLA_FIELDS = orderedSet("max_duration");
    private static final Set<String> NOTIFICATION_FIELDS = orderedSet("on", "channel");
    private static final Map<TaskType, Set<String>> INPUT_FIELDS = Map.of(
            TaskType.INGEST, orderedSet("dataset", "spec"),
            TaskType.TRANSFORM, orderedSet("project_version", "selector", "vars"),
            TaskType.NOTIFY, orderedSet("channel", "message"),
            TaskType.SQL, orderedSet("sql"),
            TaskType.HTTP, orderedSet("url", "method", "body", "headers"));
    /**
     * The fields of an inline load spec and of its parts: those of the platform's one record ({@link LoadSpec} in
     * libs/events), so a field ingest would not read is refused at save time with the YAML path and line.
     */
    private static final Set<String> SPEC_FIELDS = new LinkedHashSet<>(LoadSpec.FIELDS);
    private static final Set<String> SPEC_SOURCE_FIELDS = new LinkedHashSet<>(LoadSpec.Source.FIELDS);
    private static final Set<String> SPEC_FORMAT_FIELDS = new LinkedHashSet<>(LoadSpec.Format.FIELDS);
    private static final Set<String> SPEC_COLUMN_FIELDS = new LinkedHashSet<>(LoadSpec.Column.FIELDS);

    private final ObjectMapper yaml;
    private final ObjectMapper json = new ObjectMapper();
    private final Duration defaultTimeout;

    public PipelineParser(Duration defaultTimeout) {
        YAMLFactory factory = YAMLFactory.builder().build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.yaml = new ObjectMapper(factory);
        this.defaultTimeout = defaultTimeout;
    }

    /** The YAML tree as JSON (what is stored beside the text, for queries). */
    public String toJson(JsonNode tree) {
        try {
            return json.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The parsed tree, its definition, and what it names in other services (checked at save time by
     * {@link PipelineReferences}).
     */
    public record Parsed(JsonNode tree, PipelineDefinition definition, List<Reference> references) {

        public Parsed {
            references = references == null ? List.of() : List.copyOf(references);
        }
    }

    /** What a reference names: a registered dataset, a transform project, a model selector, a notifier channel. */
    public enum ReferenceKind {
        DATASET, PROJECT, SELECTOR, CHANNEL, CONNECTION
    }

    /**
     * Something the pipeline names that lives in another service, where it was written.
     *
     * @param name    the dataset name, the project version as written, the selector, the channel name, the
     *                connection name
     * @param project for a selector: the project version it selects in; otherwise null
     */
    public record Reference(ReferenceKind kind, String namespace, String name, String project, String path,
            Integer line, Integer column) {

        /** A finding at this reference's place. */
        public FieldError error(String message) {
            return new FieldError(path, line, column, message);
        }
    }

    /** Parses and validates; throws {@link PipelineInvalidException} listing every finding. */
    public Parsed parse(String text) {
        if (text == null || text.isBlank()) {
            throw new PipelineInvalidException(
                    List.of(new FieldError("", null, null, "the pipeline is empty; send its YAML as the body")));
        }
        Map<String, JsonLocation> locations = new HashMap<>();
        JsonNode tree;
        try {
            tree = yaml.readTree(text);
            try (JsonParser p = yaml.getFactory().createParser(text)) {
                JsonToken token;
                while ((token = p.nextToken()) != null) {
                    JsonStreamContext ctx = p.getParsingContext();
                    if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
                            && ctx.getParent() != null) {
                        ctx = ctx.getParent();
                    }
                    locations.putIfAbsent(ctx.pathAsPointer().toString(), p.currentTokenLocation());
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String message = firstLine(e.getOriginalMessage());
            throw new PipelineInvalidException(List.of(new FieldError("", at == null ? null : at.getLineNr(),
                    at == null ? null : at.getColumnNr(), "the YAML cannot be read: " + message)));
        } catch (IOException e) {
            throw new PipelineInvalidException(
                    List.of(new FieldError("", null, null, "the YAML cannot be read: " + e.getMessage())));
        }
        Checker c = new Checker(locations);
        PipelineDefinition definition = c.root(tree);
        if (!c.errors.isEmpty()) {
            throw new PipelineInvalidException(c.errors);
        }
        return new Parsed(tree, definition, c.references);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static Set<String> orderedSet(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** A position in the document: segments are field names or list indexes. */
    private record Path(List<Object> segments) {

        static final Path ROOT = new Path(List.of());

        Path field(String name) {
            List<Object> s = new ArrayList<>(segments);
            s.add(name);
            return new Path(s);
        }

        Path index(int i) {
            List<Object> s = new ArrayList<>(segments);
            s.add(i);
            return new Path(s);
        }

        String display() {
            StringBuilder b = new StringBuilder();
            for (Object seg : segments) {
                if (seg instanceof Integer i) {
                    b.append('[').append(i).append(']');
                } else {
                    if (b.length() > 0) {
                        b.append('.');
                    }
                    b.append(seg);
                }
            }
            return b.toString();
        }

        String pointer() {
            StringBuilder b = new StringBuilder();
            for (Object seg : segments) {
                b.append('/').append(seg.toString().replace("~", "~0").replace("/", "~1"));
            }
            return b.toString();
        }
    }

    private final class Checker {

        final List<FieldError> errors = new ArrayList<>();
        final List<Reference> references = new ArrayList<>();
        final Map<String, JsonLocation> locations;
        /** The pipeline's namespace once read (null while unknown or invalid). */
        String namespace;

        Checker(Map<String, JsonLocation> locations) {
            this.locations = locations;
        }

        void reference(ReferenceKind kind, String name, String project, Path path) {
            if (namespace == null || name == null) {
                return;
            }
            JsonLocation at = at(path);
            references.add(new Reference(kind, namespace, name, project, path.display(),
                    at == null ? null : at.getLineNr(), at == null ? null : at.getColumnNr()));
        }

        JsonLocation at(Path path) {
            JsonLocation at = locations.get(path.pointer());
            Path p = path;
            while (at == null && !p.segments().isEmpty()) {
                p = new Path(p.segments().subList(0, p.segments().size() - 1));
                at = locations.get(p.pointer());
            }
            return at;
        }

        void error(Path path, String message) {
            JsonLocation at = at(path);
            errors.add(new FieldError(path.display(), at == null ? null : at.getLineNr(),
                    at == null ? null : at.getColumnNr(), message));
        }

        boolean object(JsonNode node, Path path, Set<String> known) {
            if (!node.isObject()) {
                error(path, "must be a mapping with the fields " + String.join(", ", known));
                return false;
            }
            node.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name)) {
                    error(path.field(name), "unknown field '" + name + "'; the fields here are "
                            + String.join(", ", known));
                }
            });
            return true;
        }

        String text(JsonNode parent, String field, Path path, boolean required) {
            JsonNode v = parent.get(field);
            if (v == null || v.isNull()) {
                if (required) {
                    error(path.field(field), "is required");
                }
                return null;
            }
            if (!v.isValueNode() || v.isBoolean()) {
                error(path.field(field), "must be text");
                return null;
            }
            return v.asText();
        }

        String name(JsonNode parent, String field, Path path, String what) {
            String v = text(parent, field, path, true);
            if (v != null && !NAME.matcher(v).matches()) {
                error(path.field(field), "'" + v + "' is not a valid " + what
                        + ": use lower-case letters, digits, '_' and '-', starting with a letter (at most 63)");
                return null;
            }
            return v;
        }

        /** A namespace by the platform's one rule ({@link Namespaces}). */
        String namespace(JsonNode parent, String field, Path path) {
            String v = text(parent, field, path, true);
            Optional<String> problem = v == null ? Optional.empty() : Namespaces.problem(v);
            if (problem.isPresent()) {
                error(path.field(field), problem.get());
                return null;
            }
            return v;
        }

        /**
         * Whether {@code ns}, written at {@code path} for {@code what}, is the pipeline's own namespace; if not, says so.
         */
        boolean ownNamespace(String ns, Path path, String what) {
            if (namespace == null || ns == null || namespace.equals(ns)) {
                return true;
            }
            error(path, "'" + Namespaces.printable(ns) + "' is another namespace: a pipeline of '" + namespace
                    + "' " + what + " only in '" + namespace + "'");
            return false;
        }

        /** A dataset name, {@code namespace.name}: the namespace by the one rule, the name as task ids. */
        Optional<String> datasetProblem(String dataset) {
            int dot = dataset.indexOf('.');
            if (dot < 0) {
                return Optional.of("'" + Namespaces.printable(dataset) + "' is not a dataset; write namespace.name");
            }
            Optional<String> ns = Namespaces.problem(dataset.substring(0, dot));
            if (ns.isPresent()) {
                return Optional.of("'" + Namespaces.printable(dataset) + "' is not a dataset: " + ns.get());
            }
            if (!NAME.matcher(dataset.substring(dot + 1)).matches()) {
                return Optional.of("'" + Namespaces.printable(dataset) + "' is not a dataset: the name after the "
                        + "namespace uses lower-case letters, digits, '_' and '-', starting with a letter (at most 63)");
            }
            return Optional.empty();
        }

        Duration duration(JsonNode parent, String field, Path path) {
            String v = text(parent, field, path, false);
            if (v == null) {
                return null;
            }
            Duration d = Durations.parse(v);
            if (d == null || d.isNegative()) {
                error(path.field(field), "'" + v + "' is not a duration; write e.g. 30s, 5m, 2h, 1d or PT30S");
                return null;
            }
            return d;
        }

        <E extends Enum<E>> E choice(JsonNode parent, String field, Path path, Class<E> type, E fallback) {
            String v = text(parent, field, path, fallback == null);
            if (v == null) {
                return fallback;
            }
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v.strip().replace('-', '_'))) {
                    return e;
                }
            }
            error(path.field(field), "'" + v + "' is not one of " + choices(type));
            return fallback;
        }

        <E extends Enum<E>> String choices(Class<E> type) {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
            return String.join(", ", names);
        }

        PipelineDefinition root(JsonNode root) {
            if (root == null || !object(root, Path.ROOT, ROOT_FIELDS)) {
                if (root == null) {
                    error(Path.ROOT, "the pipeline is empty");
                }
                return null;
            }
            String namespace = namespace(root, "namespace", Path.ROOT);
            this.namespace = namespace;
            String id = name(root, "id", Path.ROOT, "pipeline id");
            String description = text(root, "description", Path.ROOT, false);
            Optional<Schedule> schedule = schedule(root.get("schedule"), Path.ROOT.field("schedule"));
            CatchUp catchUp = choice(root, "catch_up", Path.ROOT, CatchUp.class, CatchUp.NONE);
            List<Trigger> triggers = triggers(root.get("triggers"), Path.ROOT.field("triggers"));
            Map<String, String> params = params(root.get("params"), Path.ROOT.field("params"));
            List<Task> tasks = tasks(root.get("tasks"), Path.ROOT.field("tasks"));
            Concurrency concurrency = concurrency(root.get("concurrency"), Path.ROOT.field("concurrency"));
            Optional<Duration> sla = Optional.empty();
            JsonNode slaNode = root.get("sla");
            if (slaNode != null && !slaNode.isNull() && object(slaNode, Path.ROOT.field("sla"), SLA_FIELDS)) {
                sla = Optional.ofNullable(duration(slaNode, "max_duration", Path.ROOT.field("sla")));
            }
            List<Notification> notifications = notifications(root.get("notifications"),
                    Path.ROOT.field("notifications"));
            return new PipelineDefinition(namespace, id, description, schedule, catchUp, triggers, params, tasks,
                    concurrency, sla, notifications);
        }

        Optional<Schedule> schedule(JsonNode node, Path path) {
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            if (node.isTextual()) {
                node = JsonNodeFactory.instance.objectNode().put("cron", node.asText());
            }
            if (!object(node, path, SCHEDULE_FIELDS)) {
                return Optional.empty();
            }
            String cron = text(node, "cron", path, true);
            if (cron != null) {
                Optional<String> problem = Cron.problem(cron);
                if (problem.isPresent()) {
                    error(path.field("cron"), "'" + cron + "' is not a valid cron expression (minute hour "
                            + "day-of-month month day-of-week): " + problem.get());
                    cron = null;
                }
            }
            String tz = text(node, "timezone", path, false);
            ZoneId zone = ZoneId.of("UTC");
            if (tz != null) {
                try {
                    zone = ZoneId.of(tz);
                } catch (DateTimeException e) {
                    error(path.field("timezone"), "'" + tz + "' is not a timezone; use an IANA name such as "
                            + "Europe/Paris or UTC");
                    return Optional.empty();
                }
            }
            return cron == null ? Optional.empty() : Optional.of(new Schedule(cron, zone));
        }

        List<Trigger> triggers(JsonNode node, Path path) {
            List<Trigger> out = new ArrayList<>();
            if (node == null || node.isNull()) {
                return out;
            }
            if (!node.isArray()) {
                error(path, "must be a list of triggers, e.g. - type: dataset_updated");
                return out;
            }
            for (int i = 0; i < node.size(); i++) {
                Path p = path.index(i);
                JsonNode t = node.get(i);
                if (!object(t, p, TRIGGER_FIELDS)) {
                    continue;
                }
                TriggerType type = choice(t, "type", p, TriggerType.class, null);
                String dataset = text(t, "dataset", p, type == TriggerType.DATASET_UPDATED);
                Optional<String> datasetProblem = type == TriggerType.DATASET_UPDATED && dataset != null
                        ? datasetProblem(dataset)
                        : Optional.empty();
                if (datasetProblem.isPresent()) {
                    error(p.field("dataset"), datasetProblem.get());
                } else if (type == TriggerType.DATASET_UPDATED && dataset != null) {
                    ownNamespace(dataset.substring(0, dataset.indexOf('.')), p.field("dataset"),
                            "is triggered by datasets");
                } else if (type != null && type != TriggerType.DATASET_UPDATED && dataset != null) {
                    error(p.field("dataset"), "only a dataset_updated trigger names a dataset");
                }
                if (type != null) {
                    out.add(new Trigger(type, type == TriggerType.DATASET_UPDATED ? dataset : null));
                }
            }
            return out;
        }

        Map<String, String> params(JsonNode node, Path path) {
            Map<String, String> out = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return out;
            }
            if (!node.isObject()) {
                error(path, "must be a mapping of parameter names to values");
                return out;
            }
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode()) {
                    error(path.field(e.getKey()), "a parameter's value must be text, a number or a boolean");
                } else {
                    out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
                }
            });
            return out;
        }

        List<Task> tasks(JsonNode node, Path path) {
            List<Task> out = new ArrayList<>();
            if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
                error(path, "a pipeline needs at least one task");
                return out;
            }
            if (!node.isArray()) {
                error(path, "must be a list of tasks, e.g. - id: load_orders");
                return out;
            }
            if (node.size() > MAX_TASKS) {
                error(path, "has " + node.size() + " tasks; a pipeline may have at most " + MAX_TASKS);
                return out;
            }
            Map<String, Integer> indexById = new HashMap<>();
            for (int i = 0; i < node.size(); i++) {
                Path p = path.index(i);
                JsonNode t = node.get(i);
                if (!object(t, p, TASK_FIELDS)) {
                    continue;
                }
                String id = name(t, "id", p, "task id");
                if (id != null && indexById.putIfAbsent(id, i) != null) {
                    error(p.field("id"), "task id '" + id + "' is already used by tasks[" + indexById.get(id) + "]");
                }
                TaskType type = null;
                String typeText = text(t, "type", p, true);
                if (typeText != null) {
                    for (TaskType tt : TaskType.values()) {
                        if (tt.id().equals(typeText.strip())) {
                            type = tt;
                        }
                    }
                    if (type == null) {
                        error(p.field("type"), "unknown task type '" + typeText + "'; the types are "
                                + choices(TaskType.class));
                    }
                }
                List<String> deps = new ArrayList<>();
                JsonNode depsNode = t.get("depends_on");
                if (depsNode != null && !depsNode.isNull()) {
                    if (depsNode.isTextual()) {
                        deps.add(depsNode.asText());
                    } else if (depsNode.isArray()) {
                        depsNode.forEach(d -> deps.add(d.asText()));
                    } else {
                        error(p.field("depends_on"), "must be a list of task ids");
                    }
                }
                int retries = 0;
                Duration backoff = Duration.ofSeconds(10);
                double factor = 2.0;
                Duration maxBackoff = Duration.ofMinutes(10);
                JsonNode r = t.get("retries");
                Path rp = p.field("retries");
                if (r != null && !r.isNull()) {
                    if (r.isInt()) {
                        retries = r.asInt();
                    } else if (object(r, rp, RETRY_FIELDS)) {
                        JsonNode count = r.get("count");
                        if (count != null && !count.isInt()) {
                            error(rp.field("count"), "must be a whole number");
                        } else if (count != null) {
                            retries = count.asInt();
                        }
                        Duration b = duration(r, "backoff", rp);
                        backoff = b == null ? backoff : b;
                        Duration mb = duration(r, "max_backoff", rp);
                        maxBackoff = mb == null ? maxBackoff : mb;
                        JsonNode f = r.get("factor");
                        if (f != null && (!f.isNumber() || f.asDouble() < 1.0)) {
                            error(rp.field("factor"), "must be a number of at least 1");
                        } else if (f != null) {
                            factor = f.asDouble();
                        }
                    }
                    if (retries < 0 || retries > 100) {
                        error(r.isInt() ? rp : rp.field("count"), "must be between 0 and 100");
                        retries = 0;
                    }
                }
                Duration timeout = duration(t, "timeout", p);
                JsonNode inputs = t.get("inputs");
                if (inputs == null || inputs.isNull()) {
                    inputs = JsonNodeFactory.instance.objectNode();
                }
                if (type != null) {
                    inputs(type, inputs, p.field("inputs"));
                }
                if (id != null && type != null) {
                    out.add(new Task(id, type, List.copyOf(deps), retries, backoff, factor, maxBackoff,
                            timeout == null ? defaultTimeout : timeout, inputs));
                }
            }
            // dependencies: known tasks, not itself, then no cycle
            for (int i = 0; i < node.size(); i++) {
                JsonNode depsNode = node.get(i).get("depends_on");
                if (depsNode == null || !depsNode.isArray()) {
                    continue;
                }
                String self = node.get(i).path("id").asText();
                for (int j = 0; j < depsNode.size(); j++) {
                    String dep = depsNode.get(j).asText();
                    Path dp = path.index(i).field("depends_on").index(j);
                    if (!indexById.containsKey(dep)) {
                        error(dp, "depends on '" + dep + "', which is not a task of this pipeline");
                    } else if (dep.equals(self)) {
                        error(dp, "task '" + self + "' depends on itself");
                    }
                }
            }
            if (errors.isEmpty()) {
                cycle(out).ifPresent(cycle -> error(path.index(indexById.get(cycle.get(0))).field("depends_on"),
                        "the dependencies form a cycle: " + String.join(" → ", cycle)));
            }
            return out;
        }

        Optional<List<String>> cycle(List<Task> tasks) {
            Map<String, Task> byId = tasks.stream().collect(Collectors.toMap(Task::id, t -> t, (a, b) -> a));
            Map<String, Integer> state = new HashMap<>();
            for (Task t : tasks) {
                List<String> stack = new ArrayList<>();
                Optional<List<String>> found = visit(t.id(), byId, state, stack);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }

        Optional<List<String>> visit(String id, Map<String, Task> byId, Map<String, Integer> state,
                List<String> stack) {
            Integer s = state.get(id);
            if (s != null && s == 2) {
                return Optional.empty();
            }
            if (s != null && s == 1) {
                List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(id), stack.size()));
                cycle.add(id);
                return Optional.of(cycle);
            }
            state.put(id, 1);
            stack.add(id);
            Task t = byId.get(id);
            if (t != null) {
                for (String dep : t.dependsOn()) {
                    Optional<List<String>> found = visit(dep, byId, state, stack);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            stack.remove(stack.size() - 1);
            state.put(id, 2);
            return Optional.empty();
        }

        /** Every field of an inline load spec is one ingest knows ({@code load_mode} is refused, not ignored). */
        void specFields(JsonNode spec, Path sp) {
            object(spec, sp, SPEC_FIELDS);
            for (var part : Map.of("source", SPEC_SOURCE_FIELDS, "format", SPEC_FORMAT_FIELDS).entrySet()) {
                JsonNode node = spec.get(part.getKey());
                if (node != null && !node.isNull()) {
                    object(node, sp.field(part.getKey()), part.getValue());
                }
            }
            JsonNode columns = spec.get("columns");
            if (columns != null && columns.isArray()) {
                for (int i = 0; i < columns.size(); i++) {
                    object(columns.get(i), sp.field("columns").index(i), SPEC_COLUMN_FIELDS);
                }
            }
        }

        void inputs(TaskType type, JsonNode inputs, Path path) {
            if (!object(inputs, path, INPUT_FIELDS.get(type))) {
                return;
            }
            switch (type) {
                case INGEST -> {
                    JsonNode spec = inputs.get("spec");
                    Path sp = path.field("spec");
                    JsonNode datasetNode = inputs.get("dataset");
                    if (datasetNode != null && !datasetNode.isNull()) {
                        if (spec != null && !spec.isNull()) {
                            error(sp, "an ingest task names a registered dataset or carries an inline spec, not both");
                        }
                        String dataset = text(inputs, "dataset", path, true);
                        if (dataset != null && dataset.indexOf('.') > 0) {
                            // namespace.name: the pipeline's own namespace only
                            Optional<String> problem = datasetProblem(dataset);
                            if (problem.isPresent()) {
                                error(path.field("dataset"), problem.get());
                                dataset = null;
                            } else if (ownNamespace(dataset.substring(0, dataset.indexOf('.')),
                                    path.field("dataset"), "loads datasets")) {
                                dataset = dataset.substring(dataset.indexOf('.') + 1);
                            } else {
                                dataset = null;
                            }
                        }
                        if (dataset != null && !LoadSpec.NAME.matcher(dataset).matches()) {
                            error(path.field("dataset"), "'" + Namespaces.printable(dataset) + "' is not a dataset "
                                    + "name: a registered dataset's name uses lower-case letters, digits and '_', "
                                    + "starting with a letter (at most 63)");
                        } else if (dataset != null) {
                            reference(ReferenceKind.DATASET, dataset, null, path.field("dataset"));
                        }
                    } else if (spec == null || spec.isNull()) {
                        error(sp, "an ingest task names a registered dataset (dataset: orders) or carries the load "
                                + "spec (namespace, name, source, format, ...)");
                    } else if (!spec.isObject()) {
                        error(sp, "must be the load spec as a mapping");
                    } else {
                        specFields(spec, sp);
                        String ns = namespace(spec, "namespace", sp);
                        String name = text(spec, "name", sp, true);
                        if (ns != null) {
                            ownNamespace(ns, sp.field("namespace"), "loads datasets");
                        }
                        if (name != null && !NAME.matcher(name).matches()) {
                            error(sp.field("name"), "'" + Namespaces.printable(name) + "' is not a valid dataset "
                                    + "name: use lower-case letters, digits, '_' and '-', starting with a letter "
                                    + "(at most 63)");
                        }
                        JsonNode source = spec.get("source");
                        if (source == null) {
                            error(sp.field("source"), "is required: where the data comes from");
                        } else if (source.path("connection").isTextual()) {
                            reference(ReferenceKind.CONNECTION, source.path("connection").asText(), null,
                                    sp.field("source").field("connection"));
                        }
                    }
                }
                case TRANSFORM -> {
                    String project = text(inputs, "project_version", path, true);
                    String selector = text(inputs, "selector", path, true);
                    reference(ReferenceKind.PROJECT, project, null, path.field("project_version"));
                    if (project != null) {
                        reference(ReferenceKind.SELECTOR, selector, project, path.field("selector"));
                    }
                    params(inputs.get("vars"), path.field("vars"));
                }
                case NOTIFY -> {
                    reference(ReferenceKind.CHANNEL, name(inputs, "channel", path, "channel name"), null,
                            path.field("channel"));
                    text(inputs, "message", path, true);
                }
                case SQL -> text(inputs, "sql", path, true);
                case HTTP -> {
                    String url = text(inputs, "url", path, true);
                    if (url != null) {
                        try {
                            Urls.http(url, "the URL");
                        } catch (AddressRefusedException e) {
                            error(path.field("url"), e.getMessage());
                        }
                    }
                    String method = text(inputs, "method", path, false);
                    if (method != null && !Set.of("GET", "POST", "PUT", "DELETE").contains(method)) {
                        error(path.field("method"), "'" + method + "' is not one of GET, POST, PUT, DELETE");
                    }
                    params(inputs.get("headers"), path.field("headers"));
                }
                default -> throw new IllegalStateException();
            }
        }

        Concurrency concurrency(JsonNode node, Path path) {
            Concurrency fallback = new Concurrency(1, ConcurrencyPolicy.QUEUE);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!object(node, path, CONCURRENCY_FIELDS)) {
                return fallback;
            }
            int limit = 1;
            JsonNode l = node.get("limit");
            if (l != null && (!l.isInt() || l.asInt() < 1 || l.asInt() > 1000)) {
                error(path.field("limit"), "must be a whole number between 1 and 1000");
            } else if (l != null) {
                limit = l.asInt();
            }
            return new Concurrency(limit, choice(node, "policy", path, ConcurrencyPolicy.class,
                    ConcurrencyPolicy.QUEUE));
        }

        List<Notification> notifications(JsonNode node, Path path) {
            List<Notification> out = new ArrayList<>();
            if (node == null || node.isNull()) {
                return out;
            }
            if (!node.isArray()) {
                error(path, "must be a list, e.g. - on: [failure]\\n  channel: data-alerts");
                return out;
            }
            for (int i = 0; i < node.size(); i++) {
                Path p = path.index(i);
                JsonNode n = node.get(i);
                if (!object(n, p, NOTIFICATION_FIELDS)) {
                    continue;
                }
                String channel = name(n, "channel", p, "channel name");
                reference(ReferenceKind.CHANNEL, channel, null, p.field("channel"));
                List<NotifyOn> on = new ArrayList<>();
                JsonNode onNode = n.get("on");
                if (onNode == null || !(onNode.isArray() || onNode.isTextual())) {
                    error(p.field("on"), "is required: a list of failure, success, sla_miss");
                } else {
                    List<JsonNode> items = new ArrayList<>();
                    if (onNode.isTextual()) {
                        items.add(onNode);
                    } else {
                        onNode.forEach(items::add);
                    }
                    Set<NotifyOn> seen = new HashSet<>();
                    for (int j = 0; j < items.size(); j++) {
                        ObjectNode holder = JsonNodeFactory.instance.objectNode().set("on", items.get(j));
                        NotifyOn v = choice(holder, "on", p, NotifyOn.class, null);
                        if (v != null && seen.add(v)) {
                            on.add(v);
                        }
                    }
                }
                if (channel != null && !on.isEmpty()) {
                    out.add(new Notification(List.copyOf(on), channel));
                }
            }
            return out;
        }
    }
}
