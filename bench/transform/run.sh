#!/usr/bin/env bash
# The transform engine's figures, each with its baseline from the same run:
#
#   bench/transform/run.sh
#
# transform.overhead_ms_per_model  the sales demo (docs/examples/sales, 10 models at scale 1) built by the engine
#                                  (one thread, no tests, as the restricted role: view replace, table built aside and
#                                  swapped) minus the same compiled SQL sent straight through JDBC on one connection
#                                  (create or replace view / drop + create table), divided by the models: the median
#                                  of BENCH_ROUNDS (7) alternating rounds' differences (each engine build paired with
#                                  the JDBC run right after it), with their range, after 2 warm-up rounds; real
#                                  PostgreSQL from libs/devstack
# transform.plan_1000_models_s     what a push does with a generated project of 1,000 models and 2,000 tests, as a zip
#                                  archive: unpack (ProjectFiles.fromArchive), load + Jinja compile + DAG
#                                  (SqlCompiler.compileFiles, the method ProjectService.push calls), then the plan of a
#                                  full build with its tests. Wall time. Each of 3 fresh JVMs compiles it once cold
#                                  (class loading and JIT included; JVM start excluded), then BENCH_WARM (20) more times,
#                                  as a running service compiles every push. The figure is the median of the warm
#                                  compiles of the 3 JVMs; the cold median is in the row too, with the load average.
#                                  Baseline: dbt's published figure of about 10 s to parse 1,000 models, quoted, not
#                                  measured: dbt needs Python, which this machine does not have.
#
# BENCH_ONLY=overhead runs (and writes) only the first figure. Prints the Markdown rows and adds them to docs/benchmarks.md (replacing rows with the same key). BENCH_DOC writes
# elsewhere.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
HERE="$REPO/bench/transform"
ROUNDS="${BENCH_ROUNDS:-7}"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"

log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "bench: $*"; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-transform.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

cd "$REPO"
log "compiling services/transform and resolving its classpath"
./mvnw -B -q -o -pl services/transform -am compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$tmp/classpath.txt" >"$tmp/build.log" 2>&1 \
    || die "the build failed; see ./mvnw -pl services/transform -am compile ($(tail -3 "$tmp/build.log"))"
CP="$REPO/services/transform/target/classes:$(cat "$tmp/classpath.txt")"

WARM="${BENCH_WARM:-20}"
# BENCH_ONLY=overhead measures (and writes) only transform.overhead_ms_per_model
ONLY="${BENCH_ONLY:-}"
colds=()
warms=()
cpus=()
wcpus=()
[[ "$ONLY" == overhead ]] || log "parse + compile + plan of 1,000 generated models: 3 fresh JVMs, each cold once then $WARM warm"
for i in 1 2 3; do
    [[ "$ONLY" == overhead ]] && break
    out="$(java -cp "$CP" "$HERE/TransformBench.java" plan 1000 "$WARM")"
    cold="$(sed -n 's/^plan.cold_seconds=//p' <<<"$out")"
    cpu="$(sed -n 's/^plan.cold_thread_cpu_seconds=//p' <<<"$out")"
    all="$(sed -n 's/^plan.warm_all=//p' <<<"$out" | tr -d '[] ' | tr ',' ' ')"
    log "  JVM $i: cold $cold s (compiling thread CPU $cpu s), warm $all s ($(sed -n 's/^plan.models=//p' <<<"$out") models, $(sed -n 's/^plan.tests=//p' <<<"$out") tests)"
    wcpus+=("$(sed -n 's/^plan.warm_process_cpu_seconds=//p' <<<"$out")")
    colds+=("$cold")
    cpus+=("$cpu")
    # shellcheck disable=SC2206
    warms+=($all)
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
plan_s="" plan_cold="" plan_cpu="" plan_wcpu=""
if [[ "$ONLY" != overhead ]]; then
    plan_s="$(median "${warms[@]}")"
    plan_cold="$(median "${colds[@]}")"
    plan_cpu="$(median "${cpus[@]}")"
    plan_wcpu="$(median "${wcpus[@]}")"
fi
load="$(cut -d' ' -f1 /proc/loadavg)"

log "engine overhead on the demo project ($ROUNDS rounds)"
out="$(BENCH_ROUNDS="$ROUNDS" java -cp "$CP" "$HERE/TransformBench.java" overhead "$tmp/stack" \
    "$REPO/docs/examples/sales" 2>"$tmp/overhead.log")" || die "overhead run failed: $(tail -5 "$tmp/overhead.log")"
models="$(sed -n 's/^overhead.models=//p' <<<"$out")"
engine_ms="$(sed -n 's/^overhead.engine_ms=//p' <<<"$out")"
jdbc_ms="$(sed -n 's/^overhead.jdbc_ms=//p' <<<"$out")"
per_model="$(sed -n 's/^overhead.ms_per_model=//p' <<<"$out")"
paired="$(sed -n 's/^overhead.paired_median=//p' <<<"$out")"
paired_min="$(sed -n 's/^overhead.paired_min=//p' <<<"$out")"
paired_max="$(sed -n 's/^overhead.paired_max=//p' <<<"$out")"
cpu="$(sed -n 's/^overhead.cpu_ms_per_model=//p' <<<"$out")"
cpu_min="$(sed -n 's/^overhead.cpu_min=//p' <<<"$out")"
cpu_max="$(sed -n 's/^overhead.cpu_max=//p' <<<"$out")"
overhead_load="$(cut -d' ' -f1 /proc/loadavg)"
log "  engine $engine_ms ms, JDBC $jdbc_ms ms for $models models: $per_model ms/model (paired rounds: median $paired, $paired_min … $paired_max; engine JVM CPU $cpu, $cpu_min … $cpu_max)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "—"; else printf "%.2f", a / b }'; }
rows=(
"| transform.overhead_ms_per_model | $paired (range $paired_min … $paired_max) | $(awk -v j="$jdbc_ms" -v m="$models" 'BEGIN { printf "%.1f", j / m }') ms/model straight JDBC | $(ratio "$engine_ms" "$jdbc_ms") | ≤ 10 | bench/transform/run.sh (demo project, $models models at scale 1, 1 thread, $ROUNDS rounds after 2 warm-up ones, each an engine build then the same SQL straight over JDBC; Strata = median of the rounds' (engine − JDBC) ÷ models, range = the rounds' lowest and highest; the medians alone: engine $engine_ms vs JDBC $jdbc_ms ms, $per_model ms/model; CPU of the bench JVM, engine round − JDBC round per model, median $cpu ms (range $cpu_min … $cpu_max), which a busy machine does not inflate; ratio = engine ÷ JDBC; load average $overhead_load on 2 cores) | $DATE |"
"| transform.plan_1000_models_s | $plan_s | ~10 (dbt, published, not measured) | $(ratio "$plan_s" 10) | ≤ 1 | bench/transform/run.sh (1,000 generated models + 2,000 tests in a zip: unpack + load + Jinja + DAG + plan, the push path; Strata = wall s in a warm service JVM, median of ${#warms[@]} compiles after the first in 3 JVMs (process CPU per warm compile, all threads: $plan_wcpu s); cold, the first compile in a fresh JVM: $plan_cold s wall, $plan_cpu s CPU of the compiling thread, median of 3; load average $load on 2 cores; dbt needs Python, not installable here) | $DATE |"
)
[[ "$ONLY" == overhead ]] && rows=("${rows[0]}")
echo
printf '%s\n' "${rows[@]}"

doc="${BENCH_DOC:-$REPO/docs/benchmarks.md}"
printf '%s\n' "${rows[@]}" >"$tmp/rows"
awk -v rowsfile="$tmp/rows" '
    BEGIN { while ((getline line < rowsfile) > 0) { split(line, f, "|"); key = f[2]; gsub(/ /, "", key); row[key] = line; order[++n] = key } }
    { lines[NR] = $0; if ($0 ~ /^\|/) last = NR
      if ($0 ~ /^\|/) { split($0, f, "|"); key = f[2]; gsub(/ /, "", key); if (key in row) { lines[NR] = row[key]; done[key] = 1 } } }
    END { for (i = 1; i <= NR; i++) { print lines[i]; if (i == last) for (j = 1; j <= n; j++) if (!(order[j] in done)) print row[order[j]] } }
' "$doc" >"$tmp/benchmarks.md"
cp "$tmp/benchmarks.md" "$doc"
echo
echo "Written to $doc"
