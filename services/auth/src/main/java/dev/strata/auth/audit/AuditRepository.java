package dev.strata.auth.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.web.db.Db;

@ApplicationScoped
public class AuditRepository {

    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
    };

    private final Db db;
    private final ObjectMapper json;

    AuditRepository(Db db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    public void insert(String actor, String action, String target, String namespace, Map<String, ?> details,
            String sourceIp, String requestId) {
        db.update("INSERT INTO audit_log (actor, action, target, namespace, details, source_ip, request_id) "
                + "VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)", actor, action, target, namespace, write(details), sourceIp,
                requestId);
    }

    /** Matching entries, newest first. */
    public List<AuditEntry> search(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE true");
        List<Object> params = new ArrayList<>();
        condition(sql, params, " AND actor = ?", query.actor());
        condition(sql, params, " AND action = ?", query.action());
        condition(sql, params, " AND namespace = ?", query.namespace());
        condition(sql, params, " AND at >= ?", query.since());
        condition(sql, params, " AND at < ?", query.until());
        condition(sql, params, " AND id < ?", query.beforeId());
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(query.limit());
        return db.list(sql.toString(), rs -> new AuditEntry(rs.getLong("id"), Db.instant(rs, "at"),
                rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("namespace"),
                read(rs.getString("details")), rs.getString("source_ip"), rs.getString("request_id")),
                params.toArray());
    }

    private static void condition(StringBuilder sql, List<Object> params, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            params.add(value);
        }
    }

    private String write(Map<String, ?> details) {
        try {
            return json.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not serializable", e);
        }
    }

    private Map<String, Object> read(String details) {
        try {
            return json.readValue(details, DETAILS);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
