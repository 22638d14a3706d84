package dev.strata.scheduler;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;

/**
 * What an {@code sql} task's script says (RAISE NOTICE / WARNING) is in the task's log, a line each, in order, a
 * message of several lines as several lines, warnings at level warn.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class SqlTaskNoticesTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Override
    protected DevStack stack() {
        return stack;
    }

    @Test
    void theScriptsNoticesAreTheTasksLogLines() {
        submitOk("""
                namespace: team-a
                id: sql_notices
                tasks:
                  - id: talk
                    type: sql
                    inputs:
                      sql: |
                        do $$ begin
                          raise notice 'first';
                          raise notice '%', (select string_agg('row ' || g, E'\\n') from generate_series(1, 3) g);
                          raise warning 'careful: % rows', 3;
                        end $$;
                        select 1
                    """);
        UUID runId = trigger("team-a", "sql_notices", Map.of());
        JsonPath run = awaitEnded(runId);
        assertEquals("succeeded", run.getString("state"), run::prettify);
        String logs = "/api/v1/namespaces/team-a/runs/" + runId + "/tasks/talk/logs";
        // the lines reach the scheduler through Kafka, the last one ("succeeded in") after the run ended
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(token()).get(logs).then()
                .statusCode(200).extract().jsonPath().getList("lines.text", String.class).stream()
                .anyMatch(t -> t.startsWith("succeeded in")));
        JsonPath log = given().auth().oauth2(token()).get(logs).then().statusCode(200).extract().jsonPath();
        List<String> texts = log.getList("lines.text", String.class);
        List<String> said = texts.stream().filter(t -> t.startsWith("sql NOTICE") || t.startsWith("sql WARNING"))
                .toList();
        assertEquals(List.of("sql NOTICE: first", "sql NOTICE: row 1", "sql NOTICE: row 2", "sql NOTICE: row 3",
                "sql WARNING: careful: 3 rows"), said, log::prettify);
        assertEquals("warn", log.getString("lines.find { it.text == 'sql WARNING: careful: 3 rows' }.level"));
        assertEquals("info", log.getString("lines.find { it.text == 'sql NOTICE: first' }.level"));
    }
}
