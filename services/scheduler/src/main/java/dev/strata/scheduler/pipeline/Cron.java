package dev.strata.scheduler.pipeline;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/** Cron expressions (the five-field Unix form) and their fire times, by cron-utils. */
public final class Cron {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private Cron() {
    }

    /** Why the expression is not valid cron, or empty when it is. */
    public static Optional<String> problem(String expression) {
        try {
            PARSER.parse(expression).validate();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage() == null ? "not a cron expression" : e.getMessage());
        }
    }

    /** The first fire strictly after {@code after}, or empty when the expression never fires again. */
    public static Optional<Instant> nextAfter(String expression, ZoneId zone, Instant after) {
        ExecutionTime times = ExecutionTime.forCron(PARSER.parse(expression));
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }
}
