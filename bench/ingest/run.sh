#!/usr/bin/env bash
# Ingest: Strata's load path versus psql's \copy of the same file into the same table, in the same run.
#
#   bench/ingest/run.sh
#
# ingest.csv_http.vs_psql_copy  rows/s of Strata loading a generated 1,000,000-row x 10-column CSV (ints, numerics,
#                               timestamps, text) served over HTTP from 127.0.0.1, end to end: HTTP fetch to the
#                               spool, raw copy to S3 (S3Proxy), type checks, COPY, replace in one transaction; divided
#                               by rows/s of `psql -1 -c TRUNCATE -c \copy` of the same file into the same table on the
#                               same Postgres. Median of BENCH_ROUNDS (3) rounds, the two alternating, after one
#                               warm-up load each.
# ingest.ndjson.vs_csv          rows/s of Strata loading the same rows as NDJSON ÷ its CSV rows/s (medians).
# ingest.rss_mb.2gb_file        peak RSS (sampled every 100 ms from /proc) of a JVM running the load path on a 2 GB
#                               CSV (the 1M-row file repeated), with INGEST_JAVA_OPTS (default: the flags `./strata up`
#                               runs every service with: serial GC, -Xmx128m, capped metaspace/code cache/direct memory).
#
# Postgres and S3 come from libs/devstack (bench/ingest/IngestBench.java, run with the ingest module's classpath).
# psql comes from the Debian package postgresql-client, installed with apt-get when missing. Prints the Markdown rows
# and adds them to docs/benchmarks.md (replacing rows with the same key); BENCH_DOC writes elsewhere. BENCH_ROWS,
# BENCH_ROUNDS and BENCH_RSS_GB (2; 0 skips) shorten a trial.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
HERE="$REPO/bench/ingest"
ROWS="${BENCH_ROWS:-1000000}"
ROUNDS="${BENCH_ROUNDS:-3}"
RSS_GB="${BENCH_RSS_GB:-2}"
DOC="${BENCH_DOC:-$REPO/docs/benchmarks.md}"

log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "bench: $*"; exit 1; }

if ! command -v psql >/dev/null; then
    log "installing postgresql-client with apt-get"
    sudo=""
    [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-client >/dev/null
fi
for tool in java psql awk; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-ingest.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

cd "$REPO"
log "building the ingest module and resolving its classpath"
./mvnw -B -q -o package dependency:build-classpath -DskipTests -Dquarkus.build.skip -pl services/ingest -am \
    -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/classpath.txt" >"$tmp/build.log" 2>&1 \
    || ./mvnw -B -q package dependency:build-classpath -DskipTests -Dquarkus.build.skip -pl services/ingest -am \
        -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/classpath.txt" >"$tmp/build.log" 2>&1 \
    || { cat "$tmp/build.log" >&2; die "build failed"; }
CP="$REPO/services/ingest/target/classes:$(cat "$tmp/classpath.txt")"

log "running: $ROWS rows, $ROUNDS rounds, RSS on a ${RSS_GB} GB file (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
java -Dbench.source="$HERE/IngestBench.java" -cp "$CP" "$HERE/IngestBench.java" "$tmp/work" "$ROWS" "$ROUNDS" \
    "$RSS_GB" >"$tmp/results.txt"
cat "$tmp/results.txt" >&2
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

value() { awk -v k="$1" '$1 == "RESULT" && $2 == k { print $3 }' "$tmp/results.txt"; }
strata="$(value strata_csv_rows_per_s)"
psql_rate="$(value psql_copy_rows_per_s)"
ndjson="$(value strata_ndjson_rows_per_s)"
rss="$(value rss_mb)"
today="$(date +%F)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

rows=()
rows+=("| ingest.csv_http.vs_psql_copy | $strata rows/s | $psql_rate rows/s | $(ratio "$strata" "$psql_rate") | ≥ 0.9 | bench/ingest/run.sh (1M rows × 10 columns over HTTP loopback, raw copy to S3 included; median of $ROUNDS; 2 shared cores) | $today |")
rows+=("| ingest.ndjson.vs_csv | $ndjson rows/s | $strata rows/s | $(ratio "$ndjson" "$strata") | ≥ 0.5 | bench/ingest/run.sh (same rows as NDJSON; median of $ROUNDS) | $today |")
if [[ -n "$rss" ]]; then
    rows+=("| ingest.rss_mb.2gb_file | $rss | — | — | ≤ 256 | bench/ingest/run.sh (peak RSS of the load-path JVM with ${INGEST_JAVA_OPTS:-the flags ./strata up gives every service (serial GC, -Xmx128m)}, $(value rss_file_gb) GB CSV) | $today |")
fi
printf '%s\n' "${rows[@]}"
for row in "${rows[@]}"; do
    key="$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }')"
    if grep -q "^| $key |" "$DOC"; then
        grep -v "^| $key |" "$DOC" >"$tmp/doc" && cat "$tmp/doc" >"$DOC"
    fi
    echo "$row" >>"$DOC"
done
