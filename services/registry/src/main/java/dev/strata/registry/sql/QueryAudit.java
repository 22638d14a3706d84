package dev.strata.registry.sql;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.strata.events.AuditRecorded;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.quarkus.Outbox;

/**
 * Every query and export of the SQL workspace, run or refused, goes to the audit log: an {@code AuditRecorded}
 * ({@code sql.queried}, {@code sql.exported}, {@code sql.refused}) through the outbox, with who, the namespace, the SQL
 * text (at most 4 KB), rows, duration and outcome.
 */
@ApplicationScoped
public class QueryAudit {

    static final String QUERIED = "sql.queried";
    static final String EXPORTED = "sql.exported";
    static final String REFUSED = "sql.refused";
    static final int MAX_SQL_BYTES = 4096;
    private static final String SOURCE = "/strata/registry";

    private final Outbox outbox;
    private final EventCodec codec = new EventCodec();

    QueryAudit(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Records one query in a transaction of its own. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(String action, String principal, String namespace, String queryId, String sql, long rows,
            long durationMs, String outcome) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("sql", bounded(sql));
        details.put("rows", Long.toString(rows));
        details.put("durationMs", Long.toString(durationMs));
        details.put("outcome", outcome);
        AuditRecorded event = new AuditRecorded(principal, action, queryId, namespace, details);
        outbox.append(OutboxMessage.of(EventEnvelope.of(SOURCE, namespace, event), codec));
    }

    /** The SQL text cut to at most 4 KB of UTF-8, on a character boundary. */
    static String bounded(String sql) {
        if (sql == null) {
            return "";
        }
        byte[] utf8 = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (utf8.length <= MAX_SQL_BYTES) {
            return sql;
        }
        int chars = Math.min(sql.length(), MAX_SQL_BYTES);
        while (sql.substring(0, chars).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SQL_BYTES - 3) {
            chars -= Math.max(1, chars / 16);
        }
        return sql.substring(0, chars) + "...";
    }
}
