package dev.strata.scheduler.pipeline;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * Cron expressions and their fire times, by cron-utils: the five-field Unix form ({@code "0 5 * * *"}), or six fields
 * with the seconds first ({@code "*&#47;10 * * * * *"}, Spring's form; Kestra's {@code withSeconds}) for pipelines that
 * fire more often than once a minute.
 */
public final class Cron {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS = new CronParser(
            CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    private Cron() {
    }

    /** Why the expression is not valid cron, or empty when it is. */
    public static Optional<String> problem(String expression) {
        try {
            parser(expression).parse(expression).validate();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage() == null ? "not a cron expression" : e.getMessage());
        }
    }

    /** The first fire strictly after {@code after}, or empty when the expression never fires again. */
    public static Optional<Instant> nextAfter(String expression, ZoneId zone, Instant after) {
        ExecutionTime times = ExecutionTime.forCron(parser(expression).parse(expression));
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }

    /** The next {@code count} fires strictly after {@code after} (fewer when the expression stops firing). */
    public static List<Instant> next(String expression, ZoneId zone, Instant after, int count) {
        ExecutionTime times = ExecutionTime.forCron(parser(expression).parse(expression));
        List<Instant> fires = new ArrayList<>(count);
        ZonedDateTime t = ZonedDateTime.ofInstant(after, zone);
        while (fires.size() < count) {
            Optional<ZonedDateTime> next = times.nextExecution(t);
            if (next.isEmpty()) {
                break;
            }
            t = next.get();
            fires.add(t.toInstant());
        }
        return fires;
    }

    private static CronParser parser(String expression) {
        return expression.strip().split("\\s+").length == 6 ? WITH_SECONDS : UNIX;
    }
}
