package dev.strata.transform.compile;

import java.time.Duration;
import java.util.Map;

/**
 * Bounds on compiling one project.
 *
 * @param budget           wall-clock time one compilation (or one incremental variant) may take
 * @param maxMacroDepth    how deep macros may call themselves
 * @param maxRenderedBytes characters one rendered template (model, test, macro call) may produce
 * @param env              what {@code env_var('X')} reads ({@code strata.transform.env.X})
 */
public record CompileLimits(Duration budget, int maxMacroDepth, long maxRenderedBytes, Map<String, String> env) {

    public CompileLimits(Duration budget, int maxMacroDepth, long maxRenderedBytes) {
        this(budget, maxMacroDepth, maxRenderedBytes, Map.of());
    }

    /** The defaults of {@code strata.transform.compile.*}. */
    public static final CompileLimits DEFAULTS = new CompileLimits(Duration.ofSeconds(30), 20, 10L * 1024 * 1024);
}
