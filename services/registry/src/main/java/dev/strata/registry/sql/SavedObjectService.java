package dev.strata.registry.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.registry.sql.SavedContent.Chart;
import dev.strata.registry.sql.SavedContent.Content;
import dev.strata.registry.sql.SavedContent.Dashboard;
import dev.strata.registry.sql.SavedContent.Parameter;
import dev.strata.registry.sql.SavedContent.SavedQuery;
import dev.strata.registry.sql.SavedContent.Tile;
import dev.strata.registry.sql.SavedObjects.Version;
import dev.strata.security.NamespaceAccess;
import dev.strata.warehouse.Namespaces;

/**
 * Saved queries, charts and dashboards of a namespace (analyst or more for everything): validated, versioned (a PUT
 * that changes the content makes version N+1), references checked (a chart's saved query, a dashboard's charts).
 */
@ApplicationScoped
public class SavedObjectService {

    /** The kinds, by the path segment that names them. */
    public enum Kind {
        QUERY("saved-queries", "query", SavedQuery.class), CHART("charts", "chart", Chart.class),
        DASHBOARD("dashboards", "dashboard", Dashboard.class);

        final String path;
        final String id;
        final Class<? extends Content> type;

        Kind(String path, String id, Class<? extends Content> type) {
            this.path = path;
            this.id = id;
            this.type = type;
        }

        static Kind of(String path) {
            for (Kind k : values()) {
                if (k.path.equals(path)) {
                    return k;
                }
            }
            throw new jakarta.ws.rs.NotFoundException();
        }
    }

    static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,60}");
    private static final Pattern PARAMETER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Set<String> PARAMETER_TYPES = Set.of("text", "integer", "number", "date", "boolean");
    private static final Set<String> CHART_TYPES = Set.of("bar", "line", "area", "scatter", "pie", "table", "number");
    private static final int MAX_TITLE = 200;
    private static final int MAX_DESCRIPTION = 4000;
    private static final int MAX_LIST = 100;

    private final SavedObjects objects;
    private final SqlService sql;
    private final NamespaceAccess access;
    private final ObjectMapper json;

    SavedObjectService(SavedObjects objects, SqlService sql, NamespaceAccess access, ObjectMapper json) {
        this.objects = objects;
        this.sql = sql;
        this.access = access;
        this.json = json;
    }

    /** The saved object's body with its metadata, as a GET answers it. */
    public Map<String, Object> view(Version v) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", v.name());
        view.put("version", v.version());
        view.put("updatedBy", v.createdBy());
        view.put("updatedAt", v.createdAt().toString());
        view.putAll(content(v));
        return view;
    }

    /** The content alone (what a YAML export holds and a PUT takes). */
    public Map<String, Object> content(Version v) {
        try {
            return json.readValue(v.content(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("saved object " + v.name() + " holds no JSON object", e);
        }
    }

    public List<Version> list(String namespace, Kind kind) {
        sql.requireAnalyst(namespace);
        return objects.list(namespace, kind.id);
    }

    public Version get(String namespace, Kind kind, String name) {
        sql.requireAnalyst(namespace);
        return objects.latest(namespace, kind.id, name).orElseThrow(() -> missing(namespace, kind, name));
    }

    public List<Version> versions(String namespace, Kind kind, String name) {
        sql.requireAnalyst(namespace);
        List<Version> versions = objects.versions(namespace, kind.id, name);
        if (versions.isEmpty()) {
            throw missing(namespace, kind, name);
        }
        return versions;
    }

    public Version version(String namespace, Kind kind, String name, int version) {
        sql.requireAnalyst(namespace);
        return objects.version(namespace, kind.id, name, version).orElseThrow(() -> new SqlProblem(Status.NOT_FOUND,
                "not-found", "Not Found", "There is no version " + version + " of " + kind.id + " '" + name
                        + "' in namespace '" + namespace + "'."));
    }

    /** The outcome of a PUT: the version now latest, and whether it was made (false: same content). */
    public record Saved(Version version, boolean created, boolean changed) {
    }

    @Transactional
    public Saved put(String namespace, Kind kind, String name, Content content) {
        sql.requireAnalyst(namespace);
        requireName(kind, name);
        validate(namespace, content);
        String text;
        try {
            text = json.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        objects.lock(namespace, kind.id, name);
        var latest = objects.latest(namespace, kind.id, name);
        if (latest.isPresent() && sameJson(latest.get().content(), text)) {
            return new Saved(latest.get(), false, false);
        }
        int next = latest.map(v -> v.version() + 1).orElse(1);
        objects.add(namespace, kind.id, name, next, text, access.principal());
        return new Saved(objects.latest(namespace, kind.id, name).orElseThrow(), latest.isEmpty(), true);
    }

    @Transactional
    public void delete(String namespace, Kind kind, String name) {
        sql.requireAnalyst(namespace);
        if (!objects.delete(namespace, kind.id, name)) {
            throw missing(namespace, kind, name);
        }
    }

    /** Runs a saved query with the caller's parameters over its defaults, typed as declared. */
    public StreamingOutput run(String namespace, String name, Map<String, Object> parameters, Integer maxRows,
            RunningQueries.Client client) {
        Version v = get(namespace, Kind.QUERY, name);
        SavedQuery query = json.convertValue(content(v), SavedQuery.class);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, SqlService.ParamType> types = new LinkedHashMap<>();
        for (Parameter p : query.parameters() == null ? List.<Parameter>of() : query.parameters()) {
            types.put(p.name(), SqlService.ParamType.parse(p.type()));
            if (p.defaultValue() != null) {
                values.put(p.name(), p.defaultValue());
            }
        }
        if (parameters != null) {
            for (String given : parameters.keySet()) {
                if (!types.containsKey(given)) {
                    throw bad("Saved query '" + name + "' has no parameter '" + Namespaces.printable(given)
                            + "'; its parameters are " + types.keySet() + ".");
                }
            }
            values.putAll(parameters);
        }
        return sql.query(namespace, query.sql(), values, types, maxRows, null, client);
    }

    // --- validation

    private void validate(String namespace, Content content) {
        if (content == null) {
            throw bad("A body is required.");
        }
        text("title", content.title(), MAX_TITLE, true);
        if (content instanceof SavedQuery q) {
            text("description", q.description(), MAX_DESCRIPTION, false);
            if (q.sql() == null || q.sql().isBlank()) {
                throw bad("Field 'sql' is required.");
            }
            if (q.sql().length() > SqlService.MAX_SQL_BYTES) {
                throw bad("Field 'sql' is longer than " + SqlService.MAX_SQL_BYTES / 1024 + " KB.");
            }
            List<Parameter> params = q.parameters() == null ? List.of() : q.parameters();
            if (params.size() > SqlService.MAX_PARAMETERS) {
                throw bad("At most " + SqlService.MAX_PARAMETERS + " parameters.");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                String at = "parameters[" + i + "]";
                if (p == null || p.name() == null || !PARAMETER.matcher(p.name()).matches()) {
                    throw bad("Field '" + at + ".name' must be letters, digits and '_', starting with a letter.");
                }
                if (!seen.add(p.name())) {
                    throw bad("Field '" + at + ".name': parameter '" + p.name() + "' is declared twice.");
                }
                if (p.type() == null || !PARAMETER_TYPES.contains(p.type())) {
                    throw bad("Field '" + at + ".type': '" + Namespaces.printable(p.type()) + "' is not one of "
                            + "text, integer, number, date, boolean.");
                }
                if (p.defaultValue() != null && !(p.defaultValue() instanceof String
                        || p.defaultValue() instanceof Number || p.defaultValue() instanceof Boolean)) {
                    throw bad("Field '" + at + ".default' must be a string, a number or a boolean.");
                }
            }
            try {
                SqlGuard.Checked checked = SqlGuard.check(q.sql(), namespace);
                for (String used : checked.parameters()) {
                    if (!seen.contains(used)) {
                        throw bad("Field 'sql' uses :" + used + " but 'parameters' does not declare it.");
                    }
                }
            } catch (SqlGuard.Refused r) {
                throw r.badRequest ? bad(r.getMessage()) : SqlProblem.refused(r.getMessage());
            }
        } else if (content instanceof Chart c) {
            requireRef("query", c.query(), namespace, Kind.QUERY);
            if (c.type() == null || !CHART_TYPES.contains(c.type())) {
                throw bad("Field 'type': '" + Namespaces.printable(c.type()) + "' is not one of bar, line, area, "
                        + "scatter, pie, table, number.");
            }
            if (c.mapping() != null) {
                text("mapping.x", c.mapping().x(), 200, false);
                text("mapping.series", c.mapping().series(), 200, false);
                if (c.mapping().y() != null && c.mapping().y().size() > 20) {
                    throw bad("Field 'mapping.y' names at most 20 columns.");
                }
            }
            if (c.parameters() != null && c.parameters().size() > SqlService.MAX_PARAMETERS) {
                throw bad("At most " + SqlService.MAX_PARAMETERS + " parameters.");
            }
        } else if (content instanceof Dashboard d) {
            Integer refresh = d.refreshSeconds();
            if (refresh != null && refresh != 0 && (refresh < 10 || refresh > 86_400)) {
                throw bad("Field 'refreshSeconds' must be 0 (off) or 10 to 86400, not " + refresh + ".");
            }
            List<Tile> tiles = d.tiles() == null ? List.of() : d.tiles();
            if (tiles.size() > MAX_LIST) {
                throw bad("A dashboard holds at most " + MAX_LIST + " tiles.");
            }
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < tiles.size(); i++) {
                Tile t = tiles.get(i);
                String at = "tiles[" + i + "]";
                if (t == null) {
                    throw bad("Field '" + at + "' is empty.");
                }
                requireRef(at + ".chart", t.chart(), namespace, Kind.CHART);
                grid(at + ".x", t.x(), 0, 11, problems);
                grid(at + ".y", t.y(), 0, 1000, problems);
                grid(at + ".w", t.w(), 1, 12, problems);
                grid(at + ".h", t.h(), 1, 100, problems);
            }
            if (!problems.isEmpty()) {
                throw bad(String.join(" ", problems));
            }
        }
    }

    private static void grid(String field, Integer value, int min, int max, List<String> problems) {
        if (value == null || value < min || value > max) {
            problems.add("Field '" + field + "' must be " + min + " to " + max + ", not " + value + ".");
        }
    }

    private void requireRef(String field, String name, String namespace, Kind kind) {
        if (name == null || name.isBlank()) {
            throw bad("Field '" + field + "' is required: the name of a " + (kind == Kind.QUERY
                    ? "saved query"
                    : kind.id) + " of namespace '" + namespace + "'.");
        }
        if (objects.latest(namespace, kind.id, name).isEmpty()) {
            throw new SqlProblem(422, "unknown-reference", "Unprocessable Content", "Field '" + field + "': "
                    + "there is no " + (kind == Kind.QUERY ? "saved query" : kind.id) + " '" + Namespaces.printable(
                            name)
                    + "' in namespace '" + namespace + "'.")
                    .with("field", field).with("value", Namespaces.printable(name));
        }
    }

    private static void text(String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw bad("Field '" + field + "' is required.");
            }
            return;
        }
        if (value.length() > max) {
            throw bad("Field '" + field + "' is longer than " + max + " characters.");
        }
    }

    private static void requireName(Kind kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw bad("Name '" + Namespaces.printable(name) + "' of the " + kind.id + " is not valid: 1 to 60 "
                    + "lower-case letters, digits and '-'.");
        }
    }

    private boolean sameJson(String a, String b) {
        try {
            return json.readTree(a).equals(json.readTree(b));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static SqlProblem missing(String namespace, Kind kind, String name) {
        return new SqlProblem(Status.NOT_FOUND, "not-found", "Not Found", "There is no " + (kind == Kind.QUERY
                ? "saved query"
                : kind.id) + " '" + Namespaces.printable(name) + "' in namespace '" + namespace + "'.");
    }

    private static SqlProblem bad(String detail) {
        return new SqlProblem(Status.BAD_REQUEST, "invalid-request", "Bad Request", detail);
    }
}
