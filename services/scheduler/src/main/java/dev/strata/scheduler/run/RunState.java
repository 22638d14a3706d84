package dev.strata.scheduler.run;

import java.util.Set;

/**
 * States of runs and task runs (the state machine is drawn in the service README).
 * <p>
 * Run: {@code queued → running → succeeded | failed | cancelled | timed_out}.
 * <p>
 * Task run: {@code waiting → queued → running → succeeded | failed | timed_out | cancelled}, a failed or timed-out
 * attempt with attempts left goes {@code → retrying → queued}; tasks downstream of a failure end {@code skipped}.
 */
public final class RunState {

    public static final String WAITING = "waiting";
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String RETRYING = "retrying";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String TIMED_OUT = "timed_out";
    public static final String CANCELLED = "cancelled";
    public static final String SKIPPED = "skipped";

    /** Run states a run can leave. */
    public static final Set<String> RUN_ACTIVE = Set.of(QUEUED, RUNNING);
    public static final Set<String> RUN_STATES = Set.of(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT);
    /** Task run states that still need something to happen. */
    public static final Set<String> TASK_ACTIVE = Set.of(WAITING, QUEUED, RUNNING, RETRYING);

    private RunState() {
    }
}
