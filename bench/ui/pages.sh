#!/usr/bin/env bash
# The web UI's page figures against a whole platform, in headless Chromium (a command, not a test):
#
#   bench/ui/pages.sh
#   BENCH_ONLY=pages bench/ui/pages.sh     only the two run page figures
#
# Starts the platform with the launcher (./strata up, a fresh data directory), signs in as its admin through the real
# login page, and measures (bench/ui/pages.mjs, playwright-core driving /usr/bin/chromium):
#
# ui.runs_page_load_ms       a 3-task run's page, cold (a fresh browser context: empty cache, the session cookie
#                            only): navigation start → its DAG drawn (every node laid out and visible); median of
#                            BENCH_ROUNDS (10); baseline: the same page warm (reloaded in the same context)
# ui.dag_200_render_ms       the same for a run of a 200-task pipeline (20 layers of 10; laid out by ELK in the
#                            scheduler, once per DAG shape); baseline: the 3-task page's cold load. Also BENCH_FRESH (3)
#                            cold loads of new 200-task shapes (the page's read makes the layout) and the first read
#                            of a new shape's run against a second one
# ui.live_update_p50_ms      a chain of BENCH_LIVE_TASKS (40) sql tasks: each task state change the open run page shows
#                            (MutationObserver, next frame) − the scheduler's commit time of it (the transition's `at`);
#                            baseline: the same changes read by a 1 s poll of the REST API, in the same run
# registry.search_10k_p95_ms 10,000 datasets registered through the API (12 in parallel), then BENCH_SEARCHES (400)
#                            catalog searches through the gateway, 10 terms of every selectivity; baseline: the same
#                            searches' SELECT in psql straight to the registry's database
#
# BENCH_ONLY=live (or pages, search; comma-separated) measures and prints only those figures.
#
# The gateway's per-principal rate limit is raised for the run (registering 10,000 datasets at the default 100/s would
# take 100 s; every request still passes the limiter). Prints the rows; BENCH_DOC=docs/benchmarks.md puts them there
# (replacing rows with the same key).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
WEBUI="$REPO/services/gateway/src/main/webui"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-ui.XXXXXX")"
# shellcheck source=../lib/platform.sh
source "$REPO/bench/lib/platform.sh"
only=",${BENCH_ONLY:-pages,live,search},"
has() { [[ "$only" == *",$1,"* ]]; }
! has search || command -v psql >/dev/null || { log "the search baseline needs psql (apt-get install -y postgresql-client)"; exit 1; }
[[ -x "${STRATA_CHROMIUM:-/usr/bin/chromium}" ]] || { log "needs Chromium (apt-get install -y chromium)"; exit 1; }
[[ -d "$WEBUI/node_modules/playwright-core" ]] \
    || (cd "$WEBUI" && npm ci --no-audit --no-fund --prefer-offline >/dev/null)

cd "$REPO"
STRATA_GATEWAY_RATE_LIMIT_PER_PRINCIPAL_CAPACITY=2000 STRATA_GATEWAY_RATE_LIMIT_PER_PRINCIPAL_REFILL_PER_SECOND=2000 \
    STRATA_GATEWAY_RATE_LIMIT_PER_IP_CAPACITY=4000 STRATA_GATEWAY_RATE_LIMIT_PER_IP_REFILL_PER_SECOND=4000 platform_up
stack="$tmp/data/stack.properties"
load_before="$(cut -d' ' -f1 /proc/loadavg)"
log "measuring (load average $load_before)"
STRATA_URL="$gateway" WEBUI="$WEBUI" BENCH_TMP="$tmp" \
    STRATA_ADMIN_PASSWORD="$(grep '^auth.admin-password=' "$stack" | cut -d= -f2-)" \
    BENCH_PG_PORT="$(grep '^postgres.port=' "$stack" | cut -d= -f2)" \
    node "$REPO/bench/ui/pages.mjs" >"$tmp/results.json"
load_after="$(cut -d' ' -f1 /proc/loadavg)"
cat "$tmp/results.json" >&2
r() { node -e "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); console.log(eval(process.argv[2]))" \
    "$tmp/results.json" "$1"; }
range() { r "r.$1.min + '–' + r.$1.max"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
load="load average $load_before → $load_after on 2 cores shared with the platform and the browser"

rows=""
keys=()
if has pages; then
cold="$(r r.runsPage.cold.p50)"; warm="$(r r.runsPage.warm.p50)"
dag="$(r r.dag200.cold.p50)"
keys+=(ui.runs_page_load_ms ui.dag_200_render_ms)
rows+="| ui.runs_page_load_ms | $cold | $warm (the same page warm, reloaded) | $(ratio "$cold" "$warm") | ≤ 1,000 | \
bench/ui/pages.sh (a 3-task run's page in a fresh browser context, navigation start → every DAG node laid out and \
visible; median of $(r r.runsPage.cold.n), range $(range runsPage.cold) ms vs warm $(range runsPage.warm) ms; the API \
call answering the run $(r r.runsPage.api.p50) ms; medians over the cold loads: run read at \
$(r r.runsPage.phases.data.p50) ms (the DAG laid out in it by the scheduler), ELK in the browser \
$(r r.runsPage.phases.layout.p50) ms, React Flow to visible \
$(r r.runsPage.phases.draw.p50) ms, the task table below it shown at $(r r.runsPage.phases.complete.p50) ms; CPU time (user+sys) of Chromium's processes for a cold load $(r r.runsPage.chromiumCpu.p50) ms, \
range $(range runsPage.chromiumCpu) ms, its page's main thread busy $(r r.runsPage.cpu.p50) ms (CDP TaskDuration); \
$load) | $DATE |
| ui.dag_200_render_ms | $dag | $cold (the 3-task run's page, cold) | $(ratio "$dag" "$cold") | ≤ 1,000 | bench/ui/pages.sh \
(a 200-task run's page (20 layers of 10, 380 edges) in a fresh browser context → all 200 nodes, laid out by ELK in the \
scheduler, visible in React Flow's viewport; median of $(r r.dag200.cold.n), range $(range dag200.cold) ms; warm \
$(r r.dag200.warm.p50) ms; the API call $(r r.dag200.api.p50) ms; a DAG shape the scheduler had not laid out yet: cold \
page $(r r.dag200.fresh.cold.p50) ms (range $(range dag200.fresh.cold), n $(r r.dag200.fresh.cold.n)), its run's \
first read $(r r.dag200.fresh.firstRead.p50) ms vs $(r r.dag200.fresh.cachedRead.p50) ms kept; medians over the cold \
loads: run read at $(r r.dag200.phases.data.p50) ms, ELK in the browser $(r r.dag200.phases.layout.p50) ms, React Flow to visible \
$(r r.dag200.phases.draw.p50) ms, the table of all 200 tasks below it shown at $(r r.dag200.phases.complete.p50) ms; CPU time (user+sys) of Chromium's processes for a cold load $(r r.dag200.chromiumCpu.p50) ms, \
range $(range dag200.chromiumCpu) ms, its page's main thread busy $(r r.dag200.cpu.p50) ms (CDP TaskDuration); \
$load) | $DATE |
"
fi
if has live; then
sse="$(r r.live.sse.p50)"; poll="$(r r.live.poll.p50)"
keys+=(ui.live_update_p50_ms)
rows+="| ui.live_update_p50_ms | $sse | $poll (1 s REST poll, same run) | $(ratio "$sse" "$poll") | ≤ 250 | bench/ui/pages.sh \
(a chain of $(r r.live.tasks) sql tasks; each task state change committed by the scheduler (transition \`at\`) → \
seen by a MutationObserver in the open run page (server-sent events), at the next frame; $(r r.live.sse.n) of \
$(r r.live.transitions) changes seen (the others replaced before a render), p95 $(r r.live.sse.p95), range \
$(range live.sse) ms; of the median: commit → the page's EventSource got it $(r r.live.received.p50) ms, → shown \
$(r r.live.render.p50) ms; poll: $(r r.live.poll.n) seen, p95 $(r r.live.poll.p95), range $(range live.poll) ms; \
$load) | $DATE |
"
fi
if has search; then
search="$(r r.search.strata.p95)"; sql="$(r r.search.sql.p95)"
keys+=(registry.search_10k_p95_ms)
rows+="| registry.search_10k_p95_ms | $search | $sql (the same SELECT in psql) | $(ratio "$search" "$sql") | ≤ 100 | \
bench/ui/pages.sh ($(r r.search.datasets) datasets registered through the gateway in $(r r.search.registerSeconds) s; \
$(r r.search.strata.n) catalog searches (GET /api/registry/v1/datasets?namespace&q&limit=500 as the catalog page asks, \
$(r r.search.terms) terms from 0 to 500 hits) through the gateway: p50 $(r r.search.strata.p50), p95 $search, range \
$(range search.strata) ms; baseline: the registry's SELECT for them in psql over one connection, p50 \
$(r r.search.sql.p50), p95 $sql ms; $load) | $DATE |
"
fi
rows="${rows%$'\n'}"
echo "$rows"
if [[ -n "${BENCH_DOC:-}" ]]; then
    doc_rows "$BENCH_DOC" "$rows" "${keys[@]}"
fi
