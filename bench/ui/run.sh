#!/usr/bin/env bash
# bench/ui/run.sh: builds the web UI (the machine's npm, the committed lockfile) and writes ui.bundle_kb_gz into
# docs/benchmarks.md. Usage: bench/ui/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
WEBUI="$ROOT/services/gateway/src/main/webui"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
(cd "$WEBUI" && npm ci --no-audit --no-fund --prefer-offline >/dev/null && STRATA_UI_OUT="$OUT" npm run -s build >/dev/null)
result="$(node "$ROOT/bench/ui/bundle.mjs" "$OUT")"
echo "$result"
strata="$(node -e "console.log(JSON.parse(process.argv[1]).strata)" "$result")"
baseline="$(node -e "console.log(JSON.parse(process.argv[1]).baseline)" "$result")"
run_page="$(node -e "console.log(JSON.parse(process.argv[1]).runPage)" "$result")"
ratio="$(node -e "console.log((process.argv[1] / process.argv[2]).toFixed(2))" "$strata" "$baseline")"
row="| ui.bundle_kb_gz | $strata | $baseline | $ratio | ≤ 250 | bench/ui/run.sh (initial JS: boot script + entry + modulepreloads, gzip -9; a run page fetches $run_page KB with its chunks; baseline: all JS of the build, nothing loaded on demand) | $(date -u +%F) |"
file="$ROOT/docs/benchmarks.md"
grep -v '^| ui.bundle_kb_gz ' "$file" > "$file.tmp" && mv "$file.tmp" "$file"
echo "$row" >> "$file"
echo "$row"
