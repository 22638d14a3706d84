#!/usr/bin/env bash
# The cost of the namespace wall's connections (ADR 0005), with its baseline from the same run:
#
#   bench/warehouse/run.sh
#
# warehouse.ns_connect_ms  opening a connection as a namespace's role (SCRAM login + search path), as every load,
#                          build thread, sql task and preview does, against a plain connection to the same embedded
#                          PostgreSQL (superuser, trust: no password check); BENCH_ROUNDS (5) rounds of 200 alternating
#                          opens; median of the round medians, with the range.
#
# Prints the Markdown row; add it to docs/benchmarks.md (replacing the row with the same key).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ROUNDS="${BENCH_ROUNDS:-5}"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-warehouse.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

cd "$REPO"
./mvnw -B -q -o -pl libs/warehouse -am compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$tmp/classpath.txt" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
cp="$REPO/libs/warehouse/target/classes:$REPO/libs/devstack/target/classes:$(cat "$tmp/classpath.txt")"
javac -d "$tmp" -cp "$cp" "$REPO/bench/warehouse/ConnBench.java"
load="$(cut -d' ' -f1 /proc/loadavg)"
read -r role plain rmin rmax pmin pmax < <(java -Drounds="$ROUNDS" -cp "$cp:$tmp" ConnBench)
ratio="$(awk -v a="$role" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')"
echo "| warehouse.ns_connect_ms | $role | $plain | $ratio | — | bench/warehouse/run.sh (median of $ROUNDS rounds of 200 alternating opens, range $rmin–$rmax vs $pmin–$pmax ms; baseline: a plain trust connection to the same server; load average $load; synchronous_commit=off (embedded default), irrelevant to connection setup) | $DATE |"
