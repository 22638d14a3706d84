#!/usr/bin/env bash
# The SQL workspace's figures against a whole platform, through its gateway (a command, not a test):
#
#   bench/sql/run.sh
#
# Starts the platform with the launcher (./strata up, a fresh data directory), makes a 1,000,000-row table in the
# gold schema of namespace sql-bench (a pipeline's sql task, as the namespace's role), then (bench/sql/SqlBench.java):
#
# query.first_rows_ms        POST /api/registry/v1/namespaces/sql-bench/sql/queries `select * from` the table → the
#                            100th row line of the streamed answer received; median of BENCH_ROUNDS (15) after 3
#                            warm-ups; baseline: the same first 100 rows by plain JDBC straight to Postgres, a new
#                            connection each time (a client without a pool; the service keeps a pool per
#                            namespace), alternated with it
# query.export_csv.vs_psql   the whole table as CSV through the gateway (…/sql/exports), read to the end, vs
#                            `psql -c "\copy (select …) to stdout with csv header"` to /dev/null; ratio = psql time /
#                            Strata time (≥ 1: Strata as fast); median of BENCH_EXPORTS (5) after 1 warm-up; the
#                            same export straight from the registry (the gateway's hop left out) after each pair; the
#                            registry's resident memory sampled every 50 ms during the exports
#
# Prints the rows; BENCH_DOC=docs/benchmarks.md puts them there (replacing rows with the same key).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
ROUNDS="${BENCH_ROUNDS:-15}"
EXPORTS="${BENCH_EXPORTS:-5}"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-sql.XXXXXX")"
# shellcheck source=../lib/platform.sh
source "$REPO/bench/lib/platform.sh"
command -v psql >/dev/null || { log "the baseline needs psql (apt-get install -y postgresql-client)"; exit 1; }

cd "$REPO"
platform_up
bench_compile "$REPO/bench/sql/SqlBench.java"
registry_pid="$(grep '^services.registry.pid=' "$tmp/data/run/platform.properties" | cut -d= -f2)"
registry_port="$(grep '^services.registry.port=' "$tmp/data/run/platform.properties" | cut -d= -f2)"
load_before="$(cut -d' ' -f1 /proc/loadavg)"
log "measuring (registry pid $registry_pid, load average $load_before)"
java -Dgateway="$gateway" -Dstack="$tmp/data/stack.properties" -Drounds="$ROUNDS" -Dexports="$EXPORTS" \
    -Dregistry-pid="$registry_pid" \
    -Dregistry="http://127.0.0.1:$registry_port" -cp "$bench_cp" SqlBench >"$tmp/results.properties"
cat "$tmp/results.properties" >&2
get() { grep "^$1=" "$tmp/results.properties" | cut -d= -f2; }
field() { echo "$1" | cut -d, -f"$2"; }

fs="$(get first_rows.strata)"; fj="$(get first_rows.jdbc)"
es="$(get export.strata)"; ep="$(get export.psql)"; ed="$(get export.direct)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
load_after="$(cut -d' ' -f1 /proc/loadavg)"
rows="| query.first_rows_ms | $(field "$fs" 1) | $(field "$fj" 1) (plain JDBC, new connection, same table) | \
$(ratio "$(field "$fs" 1)" "$(field "$fj" 1)") | ≤ 150 | bench/sql/run.sh (select * over 1,000,000 rows through the \
gateway, request → 100th row received; median of $ROUNDS alternated pairs, range $(field "$fs" 2)–$(field "$fs" 3) vs \
$(field "$fj" 2)–$(field "$fj" 3) ms; load average $load_before → $load_after on 2 cores; synchronous_commit=off \
(embedded default), irrelevant to reads) | $DATE |
| query.export_csv.vs_psql | $(ratio "$(field "$ep" 1)" "$(field "$es" 1)") | 1 (psql \\copy, $(field "$ep" 1) ms) | \
$(ratio "$(field "$ep" 1)" "$(field "$es" 1)") | ≥ 0.8, registry RSS < 256 MB | bench/sql/run.sh (1,000,000 rows, \
$(get export.lines) CSV lines through the gateway in $(field "$es" 1) ms (range $(field "$es" 2)–$(field "$es" 3)) vs \
psql $(field "$ep" 1) ms (range $(field "$ep" 2)–$(field "$ep" 3)); straight from the registry (no gateway) \
$(field "$ed" 1) ms (range $(field "$ed" 2)–$(field "$ed" 3)); median of $EXPORTS alternated pairs; registry \
RSS $(get registry.rss_mb.idle) MB idle, $(get registry.rss_mb.max) MB at most during the exports; load average \
$load_before → $load_after) | $DATE |"
echo "$rows"
if [[ -n "${BENCH_DOC:-}" ]]; then
    doc_rows "$BENCH_DOC" "$rows" query.first_rows_ms query.export_csv.vs_psql
fi
