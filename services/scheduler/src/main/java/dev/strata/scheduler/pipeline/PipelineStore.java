package dev.strata.scheduler.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.security.NamespaceAccess;
import dev.strata.web.db.Db;

/** Pipelines and their versions in Postgres; parsed versions are cached (a version never changes). */
@ApplicationScoped
public class PipelineStore {

    /** A pipeline's row with its current version's text; {@code pausedAt} null unless it is paused. */
    public record Stored(String namespace, String id, int version, String yaml, Instant nextFireAt,
            Instant createdAt, Instant updatedAt, Instant pausedAt, String pausedBy) {
    }

    public record VersionInfo(int version, String createdBy, Instant createdAt) {
    }

    /** What a save did: the version now current and whether it is new. */
    public record Saved(String namespace, String id, int version, boolean created, Instant nextFireAt) {
    }

    private record Key(String namespace, String id, int version) {
    }

    private final Db db;
    private final PipelineParser parser;
    private final Map<Key, PipelineDefinition> cache = new ConcurrentHashMap<>();

    PipelineStore(Db db, SchedulerConfig config) {
        this.db = db;
        this.parser = new PipelineParser(config.defaultTaskTimeout());
    }

    public PipelineParser parser() {
        return parser;
    }

    /**
     * Stores the YAML as the pipeline's next version, unless it equals the current one. Keeps the next cron fire when
     * the schedule did not change.
     */
    @Transactional
    public Saved save(PipelineParser.Parsed parsed, String yaml, String principal) {
        PipelineDefinition def = parsed.definition();
        Optional<Stored> existing = lockCurrent(def.namespace(), def.id());
        Instant now = Instant.now();
        if (existing.isPresent() && existing.get().yaml().equals(yaml)) {
            Stored s = existing.get();
            db.update("UPDATE pipeline SET deleted = false WHERE namespace = ? AND pipeline_id = ?", s.namespace(),
                    s.id());
            return new Saved(s.namespace(), s.id(), s.version(), false, s.nextFireAt());
        }
        int version = existing.map(s -> s.version() + 1).orElse(1);
        Instant nextFire = def.schedule()
                .flatMap(sc -> Cron.nextAfter(sc.cron(), sc.timezone(), now))
                .orElse(null);
        if (existing.isPresent()) {
            PipelineDefinition previous = definition(def.namespace(), def.id(), existing.get().version());
            if (previous.schedule().equals(def.schedule()) && existing.get().nextFireAt() != null) {
                nextFire = existing.get().nextFireAt();
            }
            db.update("UPDATE pipeline SET current_version = ?, deleted = false, next_fire_at = ?, updated_at = now() "
                    + "WHERE namespace = ? AND pipeline_id = ?", version, nextFire, def.namespace(), def.id());
        } else {
            db.update(
                    "INSERT INTO pipeline (namespace, pipeline_id, current_version, next_fire_at) VALUES (?, ?, ?, ?)",
                    def.namespace(), def.id(), version, nextFire);
        }
        db.update("INSERT INTO pipeline_version (namespace, pipeline_id, version, yaml, definition, created_by) "
                + "VALUES (?, ?, ?, ?, ?::jsonb, ?)", def.namespace(), def.id(), version, yaml,
                parser.toJson(parsed.tree()), principal);
        cache.put(new Key(def.namespace(), def.id(), version), def);
        return new Saved(def.namespace(), def.id(), version, true, nextFire);
    }

    private Optional<Stored> lockCurrent(String namespace, String id) {
        return db.one("SELECT p.namespace, p.pipeline_id, p.current_version, v.yaml, p.next_fire_at, p.created_at, "
                + "p.updated_at, p.paused_at, p.paused_by FROM pipeline p JOIN pipeline_version v ON v.namespace = p.namespace "
                + "AND v.pipeline_id = p.pipeline_id AND v.version = p.current_version "
                + "WHERE p.namespace = ? AND p.pipeline_id = ? FOR UPDATE OF p", PipelineStore::stored, namespace, id);
    }

    private static Stored stored(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Stored(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                Db.instant(rs, "next_fire_at"), Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"),
                Db.instant(rs, "paused_at"), rs.getString("paused_by"));
    }

    /** The pipeline unless it was deleted. */
    public Optional<Stored> find(String namespace, String id) {
        return db.one("SELECT p.namespace, p.pipeline_id, p.current_version, v.yaml, p.next_fire_at, p.created_at, "
                + "p.updated_at, p.paused_at, p.paused_by FROM pipeline p JOIN pipeline_version v ON v.namespace = p.namespace "
                + "AND v.pipeline_id = p.pipeline_id AND v.version = p.current_version "
                + "WHERE p.namespace = ? AND p.pipeline_id = ? AND NOT p.deleted", PipelineStore::stored, namespace,
                id);
    }

    public Optional<String> yaml(String namespace, String id, int version) {
        return db.one("SELECT yaml FROM pipeline_version WHERE namespace = ? AND pipeline_id = ? AND version = ?",
                rs -> rs.getString(1), namespace, id, version);
    }

    public List<VersionInfo> versions(String namespace, String id) {
        return db.list("SELECT version, created_by, created_at FROM pipeline_version WHERE namespace = ? "
                + "AND pipeline_id = ? ORDER BY version DESC",
                rs -> new VersionInfo(rs.getInt(1), rs.getString(2),
                        Db.instant(rs, "created_at")),
                namespace, id);
    }

    /** Pipelines in the caller's scope, optionally of one namespace. */
    public List<Stored> list(NamespaceAccess.Scope scope, String namespace, int limit) {
        String sql = "SELECT p.namespace, p.pipeline_id, p.current_version, v.yaml, p.next_fire_at, p.created_at, "
                + "p.updated_at, p.paused_at, p.paused_by FROM pipeline p JOIN pipeline_version v ON v.namespace = p.namespace "
                + "AND v.pipeline_id = p.pipeline_id AND v.version = p.current_version WHERE NOT p.deleted "
                + "AND (?::boolean OR p.namespace = ANY(?)) AND (?::text IS NULL OR p.namespace = ?) "
                + "ORDER BY p.namespace, p.pipeline_id LIMIT ?";
        return db.list(sql, PipelineStore::stored, scope.all(), scope.namespaces().toArray(String[]::new), namespace,
                namespace, limit);
    }

    /**
     * Pauses the pipeline: no cron fire, data trigger or webhook starts a run until {@link #resume}. False when there
     * is no such pipeline; pausing a paused one keeps who paused it first.
     */
    @Transactional
    public boolean pause(String namespace, String id, String principal) {
        return db.update("UPDATE pipeline SET paused_at = coalesce(paused_at, now()), paused_by = CASE WHEN paused_at"
                + " IS NULL THEN ? ELSE paused_by END, updated_at = now() WHERE namespace = ? AND pipeline_id = ?"
                + " AND NOT deleted", principal, namespace, id) == 1;
    }

    /**
     * Resumes a paused pipeline: its next cron fire is the first one after now (fires missed while paused are not
     * run; a backfill runs them). False when there is no such pipeline.
     */
    @Transactional
    public boolean resume(String namespace, String id) {
        Optional<Stored> current = find(namespace, id);
        if (current.isEmpty()) {
            return false;
        }
        Stored s = current.get();
        if (s.pausedAt() == null) {
            return true;
        }
        Instant nextFire = definition(namespace, id, s.version()).schedule()
                .flatMap(sc -> Cron.nextAfter(sc.cron(), sc.timezone(), Instant.now())).orElse(null);
        db.update("UPDATE pipeline SET paused_at = NULL, paused_by = NULL, next_fire_at = ?, updated_at = now()"
                + " WHERE namespace = ? AND pipeline_id = ? AND NOT deleted AND paused_at IS NOT NULL", nextFire,
                namespace, id);
        return true;
    }

    /** Marks the pipeline deleted: no more fires or triggers; its runs and versions stay. */
    @Transactional
    public boolean delete(String namespace, String id) {
        return db.update("UPDATE pipeline SET deleted = true, next_fire_at = NULL, updated_at = now() "
                + "WHERE namespace = ? AND pipeline_id = ? AND NOT deleted", namespace, id) == 1;
    }

    /** A version's definition, parsed once. */
    public PipelineDefinition definition(String namespace, String id, int version) {
        Key key = new Key(namespace, id, version);
        PipelineDefinition cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        String yaml = yaml(namespace, id, version).orElseThrow(
                () -> new IllegalStateException("no version " + version + " of " + namespace + "." + id));
        PipelineDefinition def = parser.parse(yaml).definition();
        cache.put(key, Objects.requireNonNull(def));
        return def;
    }
}
