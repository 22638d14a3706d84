#!/usr/bin/env bash
# A bounded load test of the whole platform, through its gateway (a command, not a test):
#
#   bench/load/run.sh
#
# Starts the platform with the launcher (./strata up, a fresh data directory), then for BENCH_SECONDS (120) keeps
# BENCH_CONCURRENCY (8) runs in flight — each pipeline ingests a 1,000-row CSV over HTTP and runs an sql task on the
# loaded table as its namespace's role, and is triggered again as soon as its run ends — while an API burst of
# BENCH_RPS (50) GET requests per second hits the registry, scheduler, auth and notifier through the gateway (under
# the gateway's per-principal rate limit of 100/s, so a 429 counts as an error). Runs still in flight at the end get
# BENCH_DRAIN (120) seconds to end; a run that has not ended by then is stuck.
#
# reliability.load.errors      API errors (status ≥ 400 or no answer) + refused triggers + failed runs + stuck runs
# reliability.load.api_p99_ms  the burst's p50 / p99 through the gateway
# reliability.load.stuck_runs  runs not ended BENCH_DRAIN seconds after the load stopped
#
# Prints the figures and the rows; BENCH_DOC=docs/benchmarks.md adds them there (replacing rows with the same key).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
SECS="${BENCH_SECONDS:-120}"
CONC="${BENCH_CONCURRENCY:-8}"
RPS="${BENCH_RPS:-50}"
DRAIN="${BENCH_DRAIN:-120}"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-load.XXXXXX")"
# shellcheck source=../lib/platform.sh
source "$REPO/bench/lib/platform.sh"

cd "$REPO"
STRATA_INGEST_ALLOWED_HOSTS=127.0.0.1 platform_up
bench_compile "$REPO/bench/load/LoadBench.java"
load_before="$(cut -d' ' -f1 /proc/loadavg)"
log "load: $CONC runs in flight and $RPS API requests/s for ${SECS}s (drain ${DRAIN}s)"
java -Dgateway="$gateway" -Dstack="$tmp/data/stack.properties" -Dseconds="$SECS" -Dconcurrency="$CONC" \
    -Drps="$RPS" -Ddrain-seconds="$DRAIN" -cp "$bench_cp" LoadBench >"$tmp/results.properties"
cat "$tmp/results.properties" >&2
get() { grep "^$1=" "$tmp/results.properties" | cut -d= -f2; }

detail="$(get runs.started) runs started, $(get runs.succeeded) succeeded, $(get runs.failed) failed, \
$(get runs.stuck) stuck, $(get runs.trigger_errors) refused triggers, run p50 $(get runs.p50_ms) ms / p99 \
$(get runs.p99_ms) ms; API $(get api.requests) requests, $(get api.errors) errors, $(get api.5xx) 5xx, \
$(get api.429) 429"
what="bench/load/run.sh ($CONC runs in flight (ingest 1,000 rows over HTTP → sql task) + $RPS GET/s through the \
gateway for ${SECS} s, drain ${DRAIN} s; $detail; load average $load_before before; 2 cores shared with the platform \
and the load generator)"
rows="| reliability.load.errors | $(get errors) | — | — | 0 | $what | $DATE |
| reliability.load.api_p99_ms | $(get api.p99_ms) (p50 $(get api.p50_ms)) | — | — | — | $what | $DATE |
| reliability.load.stuck_runs | $(get runs.stuck) | — | — | 0 | $what | $DATE |"
echo "$rows"
if [[ -n "${BENCH_DOC:-}" ]]; then
    doc_rows "$BENCH_DOC" "$rows" reliability.load.errors reliability.load.api_p99_ms reliability.load.stuck_runs
fi
