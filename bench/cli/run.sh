#!/usr/bin/env bash
# The CLI's figures, each with its baseline from the same run:
#
#   bench/cli/run.sh
#
# cli.validate_1000_models_s  `strata project validate DIR` on the 1,000-model project bench/transform generates
#                             (1,000 models + 2,000 tests; TransformBench write): the whole process, JVM start
#                             included, as a user runs it; median of BENCH_RUNS (7) after one warm-up. Baseline: the
#                             same engine's warm compile inside a running service (transform.plan_1000_models_s, the
#                             work a push does, measured by bench/transform/run.sh) is the floor; dbt's published
#                             ~10 s to parse 1,000 models is the yardstick users know (quoted, not measured).
#
# Prints the Markdown row and adds it to docs/benchmarks.md (replacing the row with the same key). BENCH_DOC writes
# elsewhere. Needs cli/target/strata-cli.jar: ./mvnw -o -pl cli -am package -DskipTests
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
RUNS="${BENCH_RUNS:-7}"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"

log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "bench: $*"; exit 1; }

[[ -f "$REPO/cli/target/strata-cli.jar" ]] || die "no cli/target/strata-cli.jar: ./mvnw -o -pl cli -am package -DskipTests"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-cli.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

log "generating 1,000 models (bench/transform's generator; compiling services/transform for its classpath)"
(cd "$REPO" && ./mvnw -B -q -o -pl services/transform -am compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/classpath.txt") >"$tmp/build.log" 2>&1 \
    || die "the build failed: $(tail -3 "$tmp/build.log")"
java -cp "$REPO/services/transform/target/classes:$(cat "$tmp/classpath.txt")" \
    "$REPO/bench/transform/TransformBench.java" write 1000 "$tmp/big" || die "TransformBench write failed"

# one run (the AppCDS archive is made on the first one), then RUNS timed ones
"$REPO/strata" project validate "$tmp/big" >"$tmp/out" 2>&1 || die "validate failed: $(tail -3 "$tmp/out")"
times=()
for ((i = 0; i < RUNS; i++)); do
    t0="$(date +%s%N)"
    "$REPO/strata" project validate "$tmp/big" >/dev/null 2>&1
    t1="$(date +%s%N)"
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
validate_s="$(median "${times[@]}")"
load="$(cut -d' ' -f1 /proc/loadavg)"
log "validate: ${times[*]} s (median $validate_s); $(head -1 "$tmp/out")"

row="| cli.validate_1000_models_s | $validate_s | ~10 (dbt parse, published, not measured) | $(awk -v a="$validate_s" 'BEGIN { printf "%.2f", a / 10 }') | ≤ 2 | bench/cli/run.sh (\`strata project validate\` on bench/transform's 1,000 generated models + 2,000 tests, offline, whole process with JVM start; median of $RUNS; floor: the same engine warm in a service, transform.plan_1000_models_s; load average $load on 2 cores) | $DATE |"
echo
echo "$row"
doc="${BENCH_DOC:-$REPO/docs/benchmarks.md}"
if grep -q '^| cli.validate_1000_models_s ' "$doc"; then
    awk -v row="$row" '/^\| cli.validate_1000_models_s / { print row; next } { print }' "$doc" >"$tmp/doc"
else
    awk -v row="$row" '{ print } /^\| cli\.start_ms\.cds_vs_none / { print row }' "$doc" >"$tmp/doc"
fi
cp "$tmp/doc" "$doc"
echo "Written to $doc"
