package dev.strata.ingest.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.strata.events.LoadSpec;
import dev.strata.warehouse.Namespaces;

/**
 * Where the {@code s3} and {@code upload} sources of a namespace may read (issue 15): below the namespace's own prefix
 * of the lake bucket ({@code ns/<namespace>/}: its uploads, its raw copies), or an external location an operator
 * configured for that namespace ({@code strata.ingest.external-locations."<namespace>"}). Never another namespace's
 * prefix, the lake's other prefixes or a bucket of the platform ({@code strata.ingest.internal-buckets}).
 *
 * <p>
 * Checked where a spec comes in (a 400 problem on {@code POST /api/v1/loads}, a refused task) and again by the loader
 * before a byte is read, for loads queued earlier. Keys are compared as written: a key with {@code ..}, {@code .} or
 * empty segments is refused outright, since some S3 servers map keys to files.
 */
public final class SourceLocations {

    /** Where uploads were stored before they moved below {@code ns/<namespace>/uploads/}: still the namespace's. */
    private static final String LEGACY_UPLOADS = "uploads/";

    /** An S3 location: a bucket and a key prefix ("" = the whole bucket, else ending with {@code /}). */
    public record Location(String bucket, String prefix) {

        boolean covers(String bucket, String key) {
            return this.bucket.equals(bucket) && key.startsWith(prefix);
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    private final String lakeBucket;
    private final Set<String> internalBuckets;
    private final Map<String, List<Location>> external = new LinkedHashMap<>();

    /**
     * @param lakeBucket        the lake bucket, where each namespace has {@code ns/<namespace>/}
     * @param internalBuckets   buckets no load may read
     * @param externalLocations {@code s3://bucket/prefix/} locations by namespace
     * @throws IllegalArgumentException when a configured location is unusable (not {@code s3://}, in the lake or an
     *                                  internal bucket, for an invalid namespace): the service does not start
     */
    public SourceLocations(String lakeBucket, Collection<String> internalBuckets,
            Map<String, List<String>> externalLocations) {
        this.lakeBucket = lakeBucket;
        this.internalBuckets = Set.copyOf(internalBuckets);
        externalLocations.forEach((namespace, locations) -> {
            Namespaces.problem(namespace).ifPresent(p -> {
                throw new IllegalArgumentException("strata.ingest.external-locations: " + p);
            });
            List<Location> parsed = new ArrayList<>();
            for (String location : locations) {
                Location l = parse(location).orElseThrow(() -> new IllegalArgumentException(
                        "strata.ingest.external-locations.\"" + namespace + "\": '" + location + "' is not an "
                                + "s3://bucket/prefix/ location"));
                if (l.bucket().equals(lakeBucket) || this.internalBuckets.contains(l.bucket())) {
                    throw new IllegalArgumentException("strata.ingest.external-locations.\"" + namespace + "\": "
                            + location + " is a bucket of the platform; a namespace reads its own lake prefix "
                            + "without configuration and no other");
                }
                parsed.add(l);
            }
            external.put(namespace, List.copyOf(parsed));
        });
    }

    /** The locations configured for {@code namespace} outside the lake. */
    public List<Location> external(String namespace) {
        return external.getOrDefault(namespace, List.of());
    }

    /**
     * Why {@code spec}'s source may not be read by a load of its namespace, written for a person; empty when it may
     * (and for sources other than {@code s3} and {@code upload}, and specs whose namespace is itself invalid: those
     * are reported by {@link LoadSpecCheck#problems}).
     */
    public List<String> problems(LoadSpec spec) {
        LoadSpec.Source source = spec.source();
        if (source == null || !("s3".equals(source.kind()) || "upload".equals(source.kind()))
                || !Namespaces.isValid(spec.namespace()) || source.bucket() == null || source.bucket().isBlank()) {
            return List.of();
        }
        String namespace = spec.namespace();
        boolean byPrefix = source.key() == null || source.key().isBlank();
        String field = byPrefix ? "source.prefix" : "source.key";
        String key = byPrefix ? source.prefix() : source.key();
        if (key == null || key.isBlank()) {
            return List.of(); // reported by LoadSpec.Source
        }
        String where = "s3://" + source.bucket() + "/" + Namespaces.printable(key);
        if (!plain(key)) {
            return List.of(field + " '" + Namespaces.printable(key) + "' must be a plain object key: no '.', '..' "
                    + "or empty segments, no backslash or control characters");
        }
        String own = Namespaces.lakePrefix(namespace);
        if (internalBuckets.contains(source.bucket())) {
            return List.of(where + " is in bucket " + source.bucket() + ", internal to the platform: a load may read "
                    + "only its namespace's prefix s3://" + lakeBucket + "/" + own + " or an external location an "
                    + "operator configured for namespace '" + namespace + "'");
        }
        if (source.bucket().equals(lakeBucket)) {
            String legacy = LEGACY_UPLOADS + namespace + "/";
            if (key.startsWith(own) || key.startsWith(legacy)) {
                return List.of();
            }
            return List.of(where + " is outside namespace '" + namespace + "' of the lake: a load may read only "
                    + "s3://" + lakeBucket + "/" + own + "... (its uploads are under " + own + "uploads/), or an "
                    + "external location an operator configured for the namespace");
        }
        if ("upload".equals(source.kind())) {
            return List.of("an upload source reads the lake bucket " + lakeBucket + ", not " + source.bucket());
        }
        for (Location location : external(namespace)) {
            if (location.covers(source.bucket(), key)) {
                return List.of();
            }
        }
        List<Location> allowed = external(namespace);
        return List.of(where + " is not a location namespace '" + namespace + "' may read: "
                + (allowed.isEmpty()
                        ? "it has no external location (an operator sets strata.ingest.external-"
                                + "locations.\"" + namespace + "\")"
                        : "its external locations are " + allowed)
                + "; its own objects are under s3://" + lakeBucket + "/" + own);
    }

    /** A key S3 and file-backed S3 servers read the same way: no dot or empty segments, no backslash. */
    static boolean plain(String key) {
        if (key.startsWith("/") || key.indexOf('\\') >= 0 || key.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..") || (segment.isEmpty() && !last)) {
                return false;
            }
        }
        return true;
    }

    static Optional<Location> parse(String location) {
        if (location == null || !location.startsWith("s3://")) {
            return Optional.empty();
        }
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isBlank() || !plain(prefix.isEmpty() ? "x" : prefix)) {
            return Optional.empty();
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/"; // a prefix is a folder: s3://b/team-a must not cover s3://b/team-ab/
        }
        return Optional.of(new Location(bucket, prefix));
    }
}
