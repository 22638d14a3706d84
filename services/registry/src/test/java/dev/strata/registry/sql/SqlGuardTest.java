package dev.strata.registry.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The pre-check's words and the parameter rendering; the wall itself is tested against Postgres. */
class SqlGuardTest {

    @Test
    void parametersBecomeQuotedLiteralsAndPositionsMapBack() {
        SqlGuard.Checked checked = SqlGuard.check("select ':x', a::text -- :y\nfrom t where d >= :since", "sales");
        assertEquals(List.of("since"), checked.parameters());
        SqlGuard.Sent sent = checked.render(name -> SqlGuard.literal("it's", "date"));
        assertTrue(sent.text().endsWith("where d >= 'it''s'::date"), sent.text());
        // the character after the literal in the sent text is past the end of the caller's text
        int from = sent.text().indexOf("from") + 1;
        assertEquals(sent.original().indexOf("from") + 1, sent.originalPosition(from, 0));
        assertEquals(new int[]{2, 1}[0], SqlService.lineColumn(sent.original(), sent.originalPosition(from, 0))[0]);
    }

    @Test
    void wordsInsideLiteralsCommentsAndQuotedNamesDoNotCount() {
        SqlGuard.check("select 'delete from x; drop table y', $$insert$$ /* update */ from \"create\" -- copy", "a");
        SqlGuard.check("select 1;", "a");
    }

    @Test
    void refusesWithASentence() {
        for (String sql : List.of("delete from t", "select * into t2 from t", "select pg_read_file('x')",
                "select * from b__gold.t", "select * from auth.users", "set role x", "copy t to stdout",
                "select dblink_connect('x')", "with d as (delete from t returning *) select * from d")) {
            SqlGuard.Refused refused = assertThrows(SqlGuard.Refused.class, () -> SqlGuard.check(sql, "a"), sql);
            assertFalse(refused.badRequest, sql);
            assertTrue(refused.getMessage().contains("Only read queries"), refused.getMessage());
        }
        SqlGuard.Refused two = assertThrows(SqlGuard.Refused.class, () -> SqlGuard.check("select 1; select 2", "a"));
        assertTrue(two.badRequest);
        assertTrue(SqlGuard.check("select * from a__gold.t", "a").parameters().isEmpty());
        assertThrows(SqlGuard.Refused.class, () -> SqlGuard.require(SqlGuard.check("select :p", "a"), Map.of()));
    }
}
