package dev.strata.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A positive duration such as {@code 180s}, {@code 5m}, {@code 1h}, {@code 30d} or a plain number of seconds. */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?");

    @Override
    public Duration convert(String value) {
        Matcher m = FORMAT.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration duration = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            };
            if (!duration.isZero()) {
                return duration;
            }
        }
        throw new TypeConversionException("'" + value + "' is not a duration: use for example 180s, 5m, 1h or 30d");
    }
}
