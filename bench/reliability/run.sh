#!/usr/bin/env bash
# The fault-injection suite (cli FaultInjectionIT, tag `faults`; CI runs it inside ./mvnw -B verify) run on its own,
# writing docs/reliability.md (its table, produced by the suite, not typed) and the reliability rows of
# docs/benchmarks.md:
#
#   bench/reliability/run.sh
#
# reliability.kill_ingest.lost_rows     rows lost + rows loaded twice when ingest is killed (kill -9) while it downloads
#                                       and while it COPYs a 2,000,000-row source (both kill points summed)
# reliability.kafka_restart.stuck_runs  runs that did not end within 4 minutes of Kafka's restart (20 in flight when it
#                                       was killed, 5 triggered while it was down)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
DOC="${BENCH_DOC:-$REPO/docs/benchmarks.md}"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"
cd "$REPO"
if [[ ! -f services/scheduler/target/quarkus-app/quarkus-run.jar ]]; then
    ./mvnw -B -q -DskipTests package >&2
fi
./mvnw -B -pl cli -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FaultInjectionIT \
    -Dstrata.reliability.doc="$REPO/docs/reliability.md" >&2
props="$REPO/cli/target/reliability.properties"
get() { grep "^$1=" "$props" | cut -d= -f2; }
lost=$(( $(get kill_ingest_download.lost) + $(get kill_ingest_download.duplicated) + $(get kill_ingest_copy.lost) \
    + $(get kill_ingest_copy.duplicated) ))
stuck="$(get kafka_restart.stuck)"
load="$(cut -d' ' -f1 /proc/loadavg)"
rows="| reliability.kill_ingest.lost_rows | $lost | — | — | 0 | bench/reliability/run.sh (2,000,000-row CSV over HTTP, ingest killed with kill -9 at 40 % downloaded and again during its COPY; lost + duplicated rows, both kill points; run recovered in $(get kill_ingest_download.recover_s) / $(get kill_ingest_copy.recover_s) s after ingest was back; load average $load after) | $DATE |
| reliability.kafka_restart.stuck_runs | $stuck | — | — | 0 | bench/reliability/run.sh (Kafka killed with kill -9 under 20 runs in flight, 5 more triggered while it was down, restarted after 10 s; all 25 ended $(get kafka_restart.recover_s) s after the restart; see docs/reliability.md) | $DATE |"
echo "$rows"
tmp="$(mktemp)"
for key in reliability.kill_ingest.lost_rows reliability.kafka_restart.stuck_runs; do
    grep -v "^| $key |" "$DOC" >"$tmp" && cat "$tmp" >"$DOC"
done
rm -f "$tmp"
echo "$rows" >>"$DOC"
