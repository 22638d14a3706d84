package dev.strata.gateway.openapi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Merges the services' OpenAPI documents into one, as the API is reached through the gateway:
 * <ul>
 * <li>paths: a service's {@code /api/x} becomes {@code /api/<service>/x}; the issuer's {@code /oauth2/**} and
 * {@code /.well-known/**} stay as they are (the gateway routes them to auth unchanged); anything else (e.g.
 * {@code /q/*}) is not reachable through the gateway and left out;</li>
 * <li>components: each service's are renamed {@code <service>.<name>} (two services may both have a {@code Problem}),
 * and every {@code $ref} follows; security schemes keep their names (one issuer, one bearer scheme);</li>
 * <li>operation ids get the prefix {@code <service>_}; operations without a tag are tagged with the service's name; a
 * service's global {@code security} moves onto its operations;</li>
 * <li>{@code x-strata-services} says, per service, whether its description is in ({@code ok}) or why not.</li>
 * </ul>
 * Objects are written with their keys sorted, so the same descriptions always give the same bytes (a committed copy
 * can be diffed in CI).
 */
public final class OpenApiMerger {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String COMPONENTS = "#/components/";
    private static final Set<String> NOT_RENAMED = Set.of("securitySchemes");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private OpenApiMerger() {
    }

    /** What became of one service's description. */
    public record Source(String service, JsonNode document, String error) {

        public static Source ok(String service, JsonNode document) {
            return new Source(service, document, null);
        }

        public static Source failed(String service, String error) {
            return new Source(service, null, error);
        }
    }

    /** The merged description of {@code sources}, in the order given (the first wins a security scheme's name). */
    public static ObjectNode merge(List<Source> sources) {
        ObjectNode merged = NODES.objectNode();
        merged.put("openapi", "3.1.0");
        ObjectNode info = merged.putObject("info");
        info.put("title", "Strata API");
        info.put("version", "v1");
        info.put("description", "Every service of Strata as reached through the gateway: /api/<service>/... "
                + "Merged by the gateway from the services' own descriptions (/q/openapi).");
        ObjectNode paths = NODES.objectNode();
        Map<String, ObjectNode> components = new TreeMap<>();
        Map<String, JsonNode> tags = new TreeMap<>();
        ObjectNode status = NODES.objectNode();
        for (Source source : sources) {
            ObjectNode entry = status.putObject(source.service());
            if (source.document() == null || !source.document().isObject()) {
                entry.put("status", "unavailable");
                entry.put("error", source.error() == null ? "no description" : source.error());
                continue;
            }
            entry.put("status", "ok");
            JsonNode serviceInfo = source.document().path("info");
            if (serviceInfo.hasNonNull("title")) {
                entry.put("title", serviceInfo.path("title").asText());
            }
            if (serviceInfo.hasNonNull("version")) {
                entry.put("version", serviceInfo.path("version").asText());
            }
            add(source.service(), (ObjectNode) source.document().deepCopy(), paths, components, tags);
        }
        merged.set("paths", paths);
        if (!components.isEmpty()) {
            ObjectNode all = merged.putObject("components");
            components.forEach(all::set);
        }
        if (!tags.isEmpty()) {
            ArrayNode list = merged.putArray("tags");
            tags.values().forEach(list::add);
        }
        merged.set("x-strata-services", status);
        return sorted(merged);
    }

    private static void add(String service, ObjectNode document, ObjectNode paths, Map<String, ObjectNode> components,
            Map<String, JsonNode> tags) {
        renameRefs(service, document);
        JsonNode globalSecurity = document.get("security");
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("paths").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> path = it.next();
            String through = throughGateway(service, path.getKey());
            if (through == null || !path.getValue().isObject()) {
                continue;
            }
            ObjectNode item = (ObjectNode) path.getValue();
            for (Iterator<Map.Entry<String, JsonNode>> ops = item.fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey()) || !op.getValue().isObject()) {
                    continue;
                }
                ObjectNode operation = (ObjectNode) op.getValue();
                if (operation.hasNonNull("operationId")) {
                    operation.put("operationId", service + "_" + operation.get("operationId").asText());
                }
                if (!operation.has("tags") || operation.get("tags").isEmpty()) {
                    operation.putArray("tags").add(service);
                }
                if (!operation.has("security") && globalSecurity != null) {
                    operation.set("security", globalSecurity.deepCopy());
                }
            }
            item.remove("servers");
            paths.set(through, item);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("components").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> kind = it.next();
            if (!kind.getValue().isObject()) {
                continue;
            }
            ObjectNode target = components.computeIfAbsent(kind.getKey(), k -> NODES.objectNode());
            boolean rename = !NOT_RENAMED.contains(kind.getKey());
            kind.getValue().fields().forEachRemaining(c -> {
                String name = rename ? service + "." + c.getKey() : c.getKey();
                if (!target.has(name)) {
                    target.set(name, c.getValue());
                }
            });
        }
        for (JsonNode tag : document.path("tags")) {
            if (tag.hasNonNull("name")) {
                tags.putIfAbsent(tag.get("name").asText(), tag);
            }
        }
        if (!tags.containsKey(service)) {
            ObjectNode tag = NODES.objectNode();
            tag.put("name", service);
            tag.put("description", "The " + service + " service (/api/" + service + "/...)");
            tags.put(service, tag);
        }
    }

    /** The path as reached through the gateway, or null when the gateway does not route it to this service. */
    static String throughGateway(String service, String path) {
        if (path.equals("/api") || path.startsWith("/api/")) {
            return "/api/" + service + path.substring("/api".length());
        }
        if ("auth".equals(service) && (path.startsWith("/oauth2/") || path.startsWith("/.well-known/"))) {
            return path;
        }
        return null;
    }

    /** Every {@code $ref} to a component of this document now names the renamed component. */
    private static void renameRefs(String service, JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(COMPONENTS)) {
                String rest = ref.asText().substring(COMPONENTS.length());
                int slash = rest.indexOf('/');
                if (slash > 0 && !NOT_RENAMED.contains(rest.substring(0, slash))) {
                    object.set("$ref", new TextNode(COMPONENTS + rest.substring(0, slash + 1) + service + "."
                            + rest.substring(slash + 1)));
                }
            }
            object.fields().forEachRemaining(e -> renameRefs(service, e.getValue()));
        } else if (node.isArray()) {
            node.forEach(child -> renameRefs(service, child));
        }
    }

    /** A copy with every object's keys in order (arrays keep theirs: parameters, enums and tags mean it). */
    static ObjectNode sorted(ObjectNode node) {
        ObjectNode out = NODES.objectNode();
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : new TreeSet<>(names)) {
            out.set(name, sortedAny(node.get(name)));
        }
        return out;
    }

    private static JsonNode sortedAny(JsonNode node) {
        if (node.isObject()) {
            return sorted((ObjectNode) node);
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(child -> out.add(sortedAny(child)));
            return out;
        }
        return node;
    }

    /** The status entry of each service, for logs. */
    static Map<String, String> summary(ObjectNode merged) {
        Map<String, String> out = new LinkedHashMap<>();
        merged.path("x-strata-services").fields().forEachRemaining(e -> out.put(e.getKey(),
                e.getValue().path("status").asText()));
        return out;
    }
}
