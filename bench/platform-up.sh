#!/usr/bin/env bash
# How fast `./strata up` gets the whole platform ready, and how much memory each service holds when idle.
#
#   bench/platform-up.sh [--worktree]
#
# platform.up.cold_s      fresh clone of HEAD (nothing built, ~/.m2 already filled): ./strata up until ready, build
#                         included
# platform.up.warm_s      ./strata up again in the same clone (built, data directory exists): median of 3
# service.rss_mb.max      resident memory of the biggest service after ~20 s idle (and one row per service)
#
# Baselines, measured in the same run against the same running stack: one service (registry) started alone as a
# plain `java -jar quarkus-run.jar` with default JVM flags: its time to ready and its idle resident memory.
#
# Prints the Markdown rows and adds them to docs/benchmarks.md (replacing rows with the same key).
# --worktree benchmarks the working tree (tracked and untracked files, as a clone would get them once committed)
# instead of HEAD. STRATA_SERVICES restricts the services, as for ./strata; BENCH_DOC writes elsewhere.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SOURCE=head
[[ "${1:-}" == "--worktree" ]] && SOURCE=worktree
IDLE_SECONDS=20
WARM_RUNS=3
READY_TIMEOUT_COLD=3600
READY_TIMEOUT_WARM=600
BASELINE_SERVICE=registry

for tool in git curl awk sort; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")"
clone="$tmp/strata"
launcher_pid=""
baseline_pid=""

cleanup() {
    set +e
    if [[ -n "$baseline_pid" ]] && kill -0 "$baseline_pid" 2>/dev/null; then
        kill "$baseline_pid"
        wait "$baseline_pid" 2>/dev/null
    fi
    if [[ -f "$clone/cli/target/strata-cli.jar" ]]; then
        "$clone/strata" down >/dev/null 2>&1
    fi
    if [[ -n "$launcher_pid" ]] && kill -0 "$launcher_pid" 2>/dev/null; then
        kill -9 "$launcher_pid"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Starts ./strata up in the clone and waits for its ready line; sets up_s to the seconds it took.
up() {
    local log="$1" timeout="$2" start
    start="$(now)"
    (cd "$clone" && exec ./strata up >"$log" 2>&1) &
    launcher_pid=$!
    local deadline=$((SECONDS + timeout))
    until grep -q "Strata is ready in" "$log" 2>/dev/null; do
        if ! kill -0 "$launcher_pid" 2>/dev/null; then
            echo "bench: ./strata up failed; its output:" >&2
            cat "$log" >&2
            exit 1
        fi
        if ((SECONDS > deadline)); then
            echo "bench: ./strata up was not ready within $timeout s; its output:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
    up_s="$(elapsed "$start" "$(now)")"
}

down() {
    (cd "$clone" && ./strata down >/dev/null)
    wait "$launcher_pid" 2>/dev/null || true
    launcher_pid=""
}

state() { # key → value from the launcher's state file
    awk -F= -v k="$1" '$1 == k { print $2 }' "$clone/.strata/run/platform.properties"
}

rss_mb() { # VmRSS of a pid, in MB
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "—" }'; }

# --- the clone --------------------------------------------------------------------------------------------------
if [[ "$SOURCE" == head ]]; then
    echo "Cloning $REPO (HEAD $(git -C "$REPO" rev-parse --short HEAD)) into $clone"
    git clone -q "$REPO" "$clone"
else
    echo "Copying the working tree of $REPO into $clone"
    mkdir -p "$clone"
    (cd "$REPO" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$clone" 2>/dev/null) || true
    (cd "$clone" && git init -q)
fi
[[ -x "$clone/strata" ]] || { echo "bench: $clone has no ./strata launcher (is it committed?)" >&2; exit 1; }

# --- cold: build included ---------------------------------------------------------------------------------------
echo "Cold start (build included)..."
up "$tmp/up-cold.log" "$READY_TIMEOUT_COLD"
cold_s="$up_s"
echo "  platform.up.cold_s = $cold_s"
down

# --- warm: three times; the first one also measures memory and the baseline -------------------------------------
warm=()
declare -A rss=()
for run in $(seq 1 "$WARM_RUNS"); do
    echo "Warm start $run of $WARM_RUNS..."
    up "$tmp/up-warm-$run.log" "$READY_TIMEOUT_WARM"
    warm+=("$up_s")
    echo "  ready in $up_s s"
    if ((run == 1)); then
        echo "  idle for $IDLE_SECONDS s, then strata status..."
        sleep "$IDLE_SECONDS"
        status="$(cd "$clone" && ./strata status || true)"
        echo "$status" | sed 's/^/    /'
        services="$(state services)"
        for service in ${services//,/ }; do
            # the number before "MB" on the service's row
            rss[$service]="$(echo "$status" | awk -v s="$service" \
                '$1 == s { for (i = 2; i < NF; i++) if ($(i + 1) == "MB") print $i }')"
        done

        # baseline: the same service alone, plain `java -jar`, default JVM flags, against the running stack
        [[ ",$services," == *",$BASELINE_SERVICE,"* ]] || BASELINE_SERVICE="${services%%,*}"
        echo "  baseline: $BASELINE_SERVICE alone with default JVM flags..."
        source_pid="$(state "services.$BASELINE_SERVICE.pid")"
        port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
            2>/dev/null || echo 18999)"
        env_file="$tmp/baseline.env"
        tr '\0' '\n' <"/proc/$source_pid/environ" | grep -v '^QUARKUS_HTTP_PORT=' >"$env_file"
        echo "QUARKUS_HTTP_PORT=$port" >>"$env_file"
        start="$(now)"
        (
            cd "$clone/.strata"
            while IFS= read -r variable; do export "${variable?}"; done <"$env_file"
            exec java -jar "$clone/services/$BASELINE_SERVICE/target/quarkus-app/quarkus-run.jar" >"$tmp/baseline.log" 2>&1
        ) &
        baseline_pid=$!
        deadline=$((SECONDS + 300))
        until curl -fs -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
            kill -0 "$baseline_pid" 2>/dev/null || { echo "bench: the baseline JVM exited:" >&2; tail -20 "$tmp/baseline.log" >&2; exit 1; }
            ((SECONDS < deadline)) || { echo "bench: the baseline JVM was not ready in 300 s" >&2; exit 1; }
            sleep 0.1
        done
        baseline_up_s="$(elapsed "$start" "$(now)")"
        echo "    ready in $baseline_up_s s; idle for $IDLE_SECONDS s..."
        sleep "$IDLE_SECONDS"
        baseline_rss_mb="$(rss_mb "$baseline_pid")"
        echo "    resident memory $baseline_rss_mb MB"
        kill "$baseline_pid"
        wait "$baseline_pid" 2>/dev/null || true
        baseline_pid=""
    fi
    down
done

warm_s="$(median "${warm[@]}")"
rss_max=0
for service in "${!rss[@]}"; do
    [[ -n "${rss[$service]}" ]] && ((rss[$service] > rss_max)) && rss_max="${rss[$service]}"
done

# --- report -----------------------------------------------------------------------------------------------------
date="$(date -u +%Y-%m-%d)"
scope=""
[[ -n "${STRATA_SERVICES:-}" ]] && scope="STRATA_SERVICES=$STRATA_SERVICES "
command="${scope}bench/platform-up.sh"
cold_what="fresh clone of HEAD, build included"
if [[ "$SOURCE" == worktree ]]; then
    command="$command --worktree"
    cold_what="fresh copy of the working tree, build included"
fi
rows=(
    "| platform.up.cold_s | $cold_s | — | — | — | $command ($cold_what) | $date |"
    "| platform.up.warm_s | $warm_s | $baseline_up_s | $(ratio "$warm_s" "$baseline_up_s") | ≤ 60 | $command (median of $WARM_RUNS; baseline: $BASELINE_SERVICE alone, default JVM flags) | $date |"
    "| service.rss_mb.max | $rss_max | $baseline_rss_mb | $(ratio "$rss_max" "$baseline_rss_mb") | ≤ 200 | $command (after ${IDLE_SECONDS} s idle; baseline: $BASELINE_SERVICE alone, default JVM flags) | $date |"
)
for service in gateway auth registry ingest transform scheduler notifier; do
    [[ -n "${rss[$service]:-}" ]] || continue
    base="—"
    [[ "$service" == "$BASELINE_SERVICE" ]] && base="$baseline_rss_mb"
    rows+=("| service.rss_mb.$service | ${rss[$service]} | $base | $(ratio "${rss[$service]}" "$base") | ≤ 200 | $command | $date |")
done

echo
echo "| key | Strata | baseline | ratio | goal | command | date |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"

doc="${BENCH_DOC:-$REPO/docs/benchmarks.md}"
if [[ ! -f "$doc" ]]; then
    mkdir -p "$(dirname "$doc")"
    cat >"$doc" <<'EOF'
# Benchmarks

Each row is written by the command in it, with its baseline measured in the same run.

| key | Strata | baseline | ratio | goal | command | date |
|---|---|---|---|---|---|---|
EOF
fi
# replace rows with the same key; add new ones after the last row of the table
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
