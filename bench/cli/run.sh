#!/usr/bin/env bash
# The CLI's figures, each with its baseline from the same run:
#
#   bench/cli/run.sh [start] [upload] [validate]     (all three when none is named)
#
# cli.start_ms               `strata --version` through ./strata (user verbs' classpath and class cache: JDK 25's AOT
#                            cache when a JDK 25+ is found, else the AppCDS archive); median of BENCH_RUNS (20)
#                            alternated pairs. Baseline: the same command without the cache (STRATA_CDS=0).
# cli.runs_ls_ms             `strata runs ls` against a local platform (./strata up, a namespace with 3 runs, an API
#                            token of the bootstrap admin), wall time (and CPU user+sys, GNU time, for every CLI
#                            figure: wall times at a high load are mostly waiting), median of BENCH_RUNS alternated rounds.
#                            Baselines in the same rounds: curl of the same API with the same token; the same CLI
#                            without the cache (STRATA_CDS=0); and on JDK 17 with its AppCDS archive (STRATA_AOT=0).
# cli.upload.vs_curl         a 1 GiB file (BENCH_UPLOAD_MB) uploaded through the gateway by `strata datasets upload`
#                            vs `curl -X POST -T file` to the same endpoint (the raw body the API takes); median of
#                            BENCH_UPLOADS (3) alternated pairs; the CLI's peak RSS (GNU time) stated.
# cli.validate_1000_models_s `strata project validate DIR` on the 1,000-model project bench/transform generates
#                            (1,000 models + 2,000 tests; TransformBench write): the whole process, JVM start
#                            included, as a user runs it; median of BENCH_VALIDATE_RUNS (7) after one warm-up.
#                            Baseline: dbt's published ~10 s to parse 1,000 models (quoted, not measured); the floor
#                            is the same engine warm inside a service (transform.plan_1000_models_s).
#
# Each run states the machine's load average (2 shared cores here: a figure taken at a high load says so). Prints the
# Markdown rows and writes them into docs/benchmarks.md (replacing the rows with the same keys); BENCH_DOC writes
# elsewhere. Needs the built project (./mvnw -o -B package -DskipTests; start and upload run ./strata up).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
RUNS="${BENCH_RUNS:-20}"
UPLOADS="${BENCH_UPLOADS:-3}"
UPLOAD_MB="${BENCH_UPLOAD_MB:-1024}"
VALIDATE_RUNS="${BENCH_VALIDATE_RUNS:-7}"
DATE="${BENCH_DATE:-$(date -u +%Y-%m-%d)}"
DOC="${BENCH_DOC:-$REPO/docs/benchmarks.md}"
parts=("$@")
((${#parts[@]})) || parts=(start upload validate)

[[ -f "$REPO/cli/target/strata-cli-user.jar" ]] || { echo "no cli/target/strata-cli-user.jar: build first" >&2; exit 1; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-cli.XXXXXX")"
# the services these figures use (runs ls, sql tasks, uploads): fewer processes on a small machine
export STRATA_SERVICES="${STRATA_SERVICES:-gateway,auth,registry,scheduler}"
source "$REPO/bench/lib/platform.sh"
cd "$REPO"

load() { cut -d' ' -f1 /proc/loadavg; }
# wall milliseconds of one command (its output dropped)
ms() {
    local t0 t1
    t0="$(date +%s%N)"
    "$@" >/dev/null 2>&1 || true
    t1="$(date +%s%N)"
    echo $(((t1 - t0) / 1000000))
}
# "wall cpu": wall and CPU (user+sys of the process and its children, GNU time) milliseconds of one command
wall_cpu() {
    local t0 t1
    t0="$(date +%s%N)"
    /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@" >/dev/null 2>&1 || true
    t1="$(date +%s%N)"
    echo "$(((t1 - t0) / 1000000)) $(awk '{ printf "%d", ($1 + $2) * 1000 }' "$tmp/cpu" | tail -1)"
}
# "median,min,max" of numbers
stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s,%s,%s", m, v[1], v[NR] }'; }
f() { echo "$1" | cut -d, -f"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rows=()

# A bootstrap admin's access token, signed in through the gateway as a browser would (code flow with PKCE)
admin_token() {
    local password verifier challenge redirect=http://127.0.0.1:53682/callback location code
    password="$(sed -n 's/^auth.admin-password=//p' "$tmp/data/stack.properties")"
    verifier="$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    challenge="$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')"
    location="$(curl -sS -o /dev/null -w '%{redirect_url}' "$gateway/oauth2/authorize" \
        --data-urlencode response_type=code --data-urlencode client_id=strata-cli \
        --data-urlencode "redirect_uri=$redirect" --data-urlencode scope=openid --data-urlencode state=bench \
        --data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256 \
        --data-urlencode username=admin --data-urlencode "password=$password")"
    code="$(echo "$location" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')"
    [[ -n "$code" ]] || { log "admin sign-in failed: $location"; exit 1; }
    curl -fsS "$gateway/oauth2/token" --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
        --data-urlencode client_id=strata-cli --data-urlencode "redirect_uri=$redirect" \
        --data-urlencode "code_verifier=$verifier" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

platform_ready=0
platform() {
    ((platform_ready)) && return
    platform_up
    token="$(admin_token)"
    export STRATA_URL="$gateway" STRATA_TOKEN="$token"
    ./strata ns create bench >/dev/null 2>&1 || true
    printf 'namespace: bench\nid: tiny\ntasks:\n  - id: one\n    type: sql\n    inputs: {sql: "select 1"}\n' >"$tmp/tiny.yaml"
    ./strata pipeline apply "$tmp/tiny.yaml" >&2
    for _ in 1 2 3; do ./strata pipeline trigger bench.tiny --wait >/dev/null; done
    platform_ready=1
}

for part in "${parts[@]}"; do
    case "$part" in
    start)
        platform
        ./strata version >&2 # makes the cache if it is missing (first use after a build)
        STRATA_AOT=0 ./strata version >&2
        jdk="$(./strata version | sed -E 's/.*\(Java ([^,]+),.*/\1/')"
        l0="$(load)"
        log "timing --version and runs ls, $RUNS rounds (user verbs on Java $jdk; load $l0)"
        v=() vn=() r=() rn=() r17=() c=() vc=() vnc=() rc=() rnc=() r17c=()
        for ((i = 0; i < RUNS; i++)); do
            read -r w u < <(wall_cpu ./strata --version) && v+=("$w") vc+=("$u")
            read -r w u < <(STRATA_CDS=0 wall_cpu ./strata --version) && vn+=("$w") vnc+=("$u")
            read -r w u < <(wall_cpu ./strata runs ls) && r+=("$w") rc+=("$u")
            c+=("$(ms curl -fsS -H "Authorization: Bearer $token" "$gateway/api/scheduler/v1/runs")")
            read -r w u < <(STRATA_CDS=0 wall_cpu ./strata runs ls) && rn+=("$w") rnc+=("$u")
            read -r w u < <(STRATA_AOT=0 wall_cpu ./strata runs ls) && r17+=("$w") r17c+=("$u")
        done
        l1="$(load)"
        v="$(stats "${v[@]}")" vn="$(stats "${vn[@]}")" r="$(stats "${r[@]}")" rn="$(stats "${rn[@]}")"
        r17="$(stats "${r17[@]}")" c="$(stats "${c[@]}")"
        vc="$(stats "${vc[@]}")" vnc="$(stats "${vnc[@]}")" rc="$(stats "${rc[@]}")" rnc="$(stats "${rnc[@]}")"
        r17c="$(stats "${r17c[@]}")"
        log "wall: --version $v / no cache $vn; runs ls $r / no cache $rn / JDK 17 AppCDS $r17; curl $c"
        log "CPU: --version $vc / no cache $vnc; runs ls $rc / no cache $rnc / JDK 17 AppCDS $r17c"
        rows+=("| cli.start_ms | $(f "$v" 1) | $(f "$vn" 1) (same CLI without the class cache) | $(ratio "$(f "$v" 1)" "$(f "$vn" 1)") | ≤ 400 (issue 18) | bench/cli/run.sh start (\`./strata --version\`, wall, median of $RUNS alternated rounds, range $(f "$v" 2)–$(f "$v" 3) vs $(f "$vn" 2)–$(f "$vn" 3) ms; CPU user+sys median $(f "$vc" 1) ms vs $(f "$vnc" 1); user verbs' classpath, Java $jdk with its AOT cache; load average $l0 → $l1 on 2 cores) | $DATE |")
        rows+=("| cli.runs_ls_ms | $(f "$r" 1) | $(f "$c" 1) (curl, same API and token); $(f "$rn" 1) (same CLI without the cache) | $(ratio "$(f "$r" 1)" "$(f "$rn" 1)") vs no cache | ≤ 400 | bench/cli/run.sh start (\`strata runs ls\` against ./strata up, 3 runs listed, admin API token, wall, median of $RUNS alternated rounds, range $(f "$r" 2)–$(f "$r" 3) ms; curl $(f "$c" 2)–$(f "$c" 3); no cache $(f "$rn" 2)–$(f "$rn" 3); on JDK 17 with the AppCDS archive $(f "$r17" 1) ($(f "$r17" 2)–$(f "$r17" 3)); CPU user+sys median $(f "$rc" 1) ms ($(f "$rc" 2)–$(f "$rc" 3)) vs $(f "$rnc" 1) without the cache and $(f "$r17c" 1) on JDK 17; Java $jdk with its AOT cache; load average $l0 → $l1 on 2 cores) | $DATE |")
        ;;
    upload)
        platform
        file="$tmp/upload.csv"
        log "writing a ${UPLOAD_MB} MiB file"
        { yes '1042,2026-12-07T10:00:00Z,customer-0042,widget,3,19.99,EUR,web,paid' || true; } \
            | head -c "$((UPLOAD_MB * 1024 * 1024))" >"$file" # yes ends on SIGPIPE
        url="$gateway/api/registry/v1/datasets/bench/upload_bench/uploads?filename=upload.csv"
        l0="$(load)"
        u=() cu=() rss=()
        for ((i = 0; i < UPLOADS; i++)); do
            t0="$(date +%s%N)"
            /usr/bin/time -f '%M' -o "$tmp/rss" ./strata datasets upload bench.upload_bench "$file" >"$tmp/cli.out" 2>&1 \
                || { cat "$tmp/cli.out" >&2; exit 1; }
            t1="$(date +%s%N)"
            u+=($(((t1 - t0) / 1000000)))
            rss+=("$(tail -1 "$tmp/rss")")
            t0="$(date +%s%N)"
            curl -fsS -o /dev/null -X POST -T "$file" -H "Authorization: Bearer $token" \
                -H 'Content-Type: application/octet-stream' "$url"
            t1="$(date +%s%N)"
            cu+=($(((t1 - t0) / 1000000)))
        done
        l1="$(load)"
        rm -f "$file"
        u="$(stats "${u[@]}")" cu="$(stats "${cu[@]}")" rss="$(stats "${rss[@]}")"
        log "upload: strata $u ms, curl $cu ms, strata RSS $rss KiB"
        mib_s() { awk -v ms="$1" -v mb="$UPLOAD_MB" 'BEGIN { printf "%.0f", mb / (ms / 1000) }'; }
        rows+=("| cli.upload.vs_curl | $(ratio "$(f "$cu" 1)" "$(f "$u" 1)") | 1 (curl -T, $(f "$cu" 1) ms = $(mib_s "$(f "$cu" 1)") MiB/s) | $(ratio "$(f "$cu" 1)" "$(f "$u" 1)") | ≥ 0.9 | bench/cli/run.sh upload (${UPLOAD_MB} MiB through the gateway to the registry's raw-body upload, \`strata datasets upload\` $(f "$u" 1) ms = $(mib_s "$(f "$u" 1)") MiB/s (range $(f "$u" 2)–$(f "$u" 3)) vs \`curl -X POST -T\` range $(f "$cu" 2)–$(f "$cu" 3); median of $UPLOADS alternated pairs; the CLI's peak RSS $(($(f "$rss" 3) / 1024)) MiB at most (GNU time); load average $l0 → $l1 on 2 cores) | $DATE |")
        ;;
    validate)
        log "generating 1,000 models (bench/transform's generator; compiling services/transform for its classpath)"
        ./mvnw -B -q -o -pl services/transform -am compile dependency:build-classpath -Dmdep.includeScope=test \
            -Dmdep.outputFile="$tmp/classpath.txt" >"$tmp/build.log" 2>&1 \
            || { log "the build failed: $(tail -3 "$tmp/build.log")"; exit 1; }
        java -cp "$REPO/services/transform/target/classes:$(cat "$tmp/classpath.txt")" \
            "$REPO/bench/transform/TransformBench.java" write 1000 "$tmp/big" || { log "TransformBench write failed"; exit 1; }
        ./strata project validate "$tmp/big" >"$tmp/out" 2>&1 || { log "validate failed: $(tail -3 "$tmp/out")"; exit 1; }
        l0="$(load)"
        t=()
        for ((i = 0; i < VALIDATE_RUNS; i++)); do
            t+=("$(ms ./strata project validate "$tmp/big")")
        done
        l1="$(load)"
        t="$(stats "${t[@]}")"
        s="$(awk -v ms="$(f "$t" 1)" 'BEGIN { printf "%.3f", ms / 1000 }')"
        log "validate: $t ms; $(head -1 "$tmp/out")"
        rows+=("| cli.validate_1000_models_s | $s | ~10 (dbt parse, published, not measured) | $(ratio "$s" 10) | ≤ 2 | bench/cli/run.sh validate (\`strata project validate\` on bench/transform's 1,000 generated models + 2,000 tests, offline, whole process with JVM start; median of $VALIDATE_RUNS, range $(f "$t" 2)–$(f "$t" 3) ms; floor: the same engine warm in a service, transform.plan_1000_models_s; load average $l0 → $l1 on 2 cores) | $DATE |")
        ;;
    *)
        log "unknown part '$part': start, upload or validate"
        exit 2
        ;;
    esac
done

echo
printf '%s\n' "${rows[@]}"
# each row in place of the row with its key, else at the end of the table (the end of the file); the old
# cli.start_ms.cds_vs_none row is cli.start_ms's baseline now
grep -v '^| cli.start_ms.cds_vs_none |' "$DOC" >"$tmp/doc" && cat "$tmp/doc" >"$DOC"
for row in "${rows[@]}"; do
    key="$(echo "$row" | cut -d'|' -f2 | tr -d ' ')"
    if grep -q "^| $key |" "$DOC"; then
        awk -v key="| $key |" -v row="$row" 'index($0, key) == 1 { print row; next } { print }' "$DOC" >"$tmp/doc"
        cat "$tmp/doc" >"$DOC"
    else
        echo "$row" >>"$DOC"
    fi
done
echo "Written to $DOC"
