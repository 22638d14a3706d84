package dev.strata.transform.compile;

import java.time.Duration;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * The wall-clock budget of one compilation, checked before Jinjava renders each node (a tag, an expression, a text):
 * once it is spent every further node fails at once, so a runaway template (a macro that calls itself twice per level)
 * unwinds instead of running on. Where it ran out is kept for the problem shown to the user.
 */
final class CompileBudget {

    /** Thrown from inside the render; Jinjava may swallow it into a template error, {@link #exceeded()} remains. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("compile budget exceeded", null, false, false);
        }
    }

    /** Where the budget ran out. */
    record Stop(String file, int line, String macro) {
    }

    private final Duration budget;
    private volatile long deadline;
    private volatile Stop stop;

    CompileBudget(Duration budget) {
        this.budget = budget;
        restart();
    }

    Duration budget() {
        return budget;
    }

    /** Gives the whole budget again (an incremental variant rendered at build time). */
    void restart() {
        stop = null;
        deadline = System.nanoTime() + budget.toNanos();
    }

    Stop exceeded() {
        return stop;
    }

    /** The node pre-processor of the compiler's Jinjava: fails once the budget of this thread's compilation is spent. */
    static void check(JinjavaInterpreter interpreter) {
        CompileContext ctx = CompileContext.CURRENT.get();
        if (ctx != null) {
            ctx.budget().checkNow(interpreter);
        }
    }

    private void checkNow(JinjavaInterpreter interpreter) {
        if (stop == null && System.nanoTime() - deadline < 0) {
            return;
        }
        if (stop == null) {
            RenderState state = RenderState.CURRENT.get();
            stop = new Stop(state == null ? "(project)" : state.file, interpreter.getLineNumber(),
                    interpreter.getContext().getMacroStack().peek().orElse(null));
        }
        throw new Exceeded();
    }
}
