package dev.strata.scheduler.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import dev.strata.scheduler.run.RunEngine;
import dev.strata.scheduler.run.RunRecords.RunRow;
import dev.strata.web.Problem;
import dev.strata.web.ProblemException;
import dev.strata.web.db.Db;

/**
 * {@code Idempotency-Key} on the trigger endpoints: the first request with a key creates the run and records it, in
 * the same transaction; a retry with the same key and the same body within 24 hours gets that run back; the same key
 * with a different body is refused (422). A concurrent retry waits on the first one's row and then gets its run.
 */
@ApplicationScoped
public class TriggerIdempotency {

    /** The header clients send. */
    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY = 255;

    /** The run and whether it was created by an earlier request with the same key. */
    public record Outcome(RunRow run, boolean replayed) {
    }

    private final Db db;
    private final RunEngine engine;

    TriggerIdempotency(Db db, RunEngine engine) {
        this.db = db;
        this.engine = engine;
    }

    /** Checks a key as the client sent it: 1 to 255 visible ASCII characters. */
    public static void check(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ProblemException.badRequest("header " + HEADER + " must be 1 to " + MAX_KEY
                    + " visible ASCII characters (a UUID, say); got " + key.length() + " character(s)");
        }
    }

    /** Triggers a run unless the key names one already. */
    @Transactional
    public Outcome trigger(String namespace, String pipelineId, String key, String trigger,
            Map<String, String> params) {
        check(key);
        String hash = hash(trigger, params);
        // a key is remembered for 24 hours
        db.update("DELETE FROM trigger_request WHERE namespace = ? AND pipeline_id = ? AND created_at < now() - "
                + "interval '24 hours'", namespace, pipelineId);
        // waits for a concurrent first request with this key, then finds its row
        var earlier = db.one("SELECT request_hash, run_id FROM trigger_request WHERE namespace = ? AND pipeline_id = ? "
                + "AND idempotency_key = ? FOR UPDATE", rs -> new Object[]{rs.getString(1), Db.uuid(rs, "run_id")},
                namespace, pipelineId, key);
        if (earlier.isEmpty()) {
            RunRow run = engine.trigger(namespace, pipelineId, trigger, params, null, null);
            int inserted = db.update("INSERT INTO trigger_request (namespace, pipeline_id, idempotency_key, "
                    + "request_hash, run_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", namespace, pipelineId,
                    key, hash, run.id());
            if (inserted == 1) {
                return new Outcome(run, false);
            }
            // a concurrent request with the same key committed first: this transaction (and its run) rolls back
            throw new ProblemException(Response.Status.CONFLICT, "idempotency-key-in-use", "another request with "
                    + HEADER + " '" + key + "' for pipeline " + namespace + "." + pipelineId + " was handled at the "
                    + "same moment; retry to get its run");
        }
        if (!earlier.get()[0].equals(hash)) {
            throw new ProblemException(new Problem(Problem.TYPE_PREFIX + "idempotency-key-reused",
                    "Unprocessable Content", 422,
                    HEADER + " '" + key + "' was used for pipeline " + namespace + "." + pipelineId + " with a "
                            + "different request body in the last 24 hours; use a new key for a different request"));
        }
        UUID runId = (UUID) earlier.get()[1];
        return new Outcome(engine.run(runId).orElseThrow(() -> ProblemException.notFound("the run " + runId
                + " of " + HEADER + " '" + key + "' no longer exists")), true);
    }

    private static String hash(String trigger, Map<String, String> params) {
        StringBuilder canonical = new StringBuilder(trigger).append('\n');
        new TreeMap<>(params == null ? Map.<String, String>of() : params)
                .forEach((k, v) -> canonical.append(k.length()).append(':').append(k).append('=')
                        .append(v == null ? -1 : v.length()).append(':').append(v).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
