#!/usr/bin/env bash
# The gateway in front of a trivial upstream versus nginx (upstream keepalive 64) in front of the same upstream, with
# the same load tool in the same run; and the cost of checking a bearer token.
#
#   bench/gateway/run.sh
#
# gateway.throughput.vs_nginx  requests/s through the gateway ÷ requests/s through nginx, under the same load
#                              (wrk -t2 -c32 -d15s, median of 3 rounds, gateway and nginx alternating)
# gateway.added_p50_ms         median latency through the gateway minus median latency straight to the upstream, on
#                              one connection (wrk -t1 -c1 -d10s: the hop's own cost, not queueing), median of 3;
#                              baseline: the same figure for nginx
# gateway.token_check_us       microseconds to check one bearer JWT (RS256, jose4j as quarkus-oidc uses it;
#                              bench/gateway/TokenCheck.java, median of 5 batches of 50,000)
#
# Everything runs on 127.0.0.1, on free ports. The upstream is nginx answering `return 200` (its own process, one
# worker). The gateway is the built jar (services/gateway/target/quarkus-app, built when missing) with real Postgres,
# Kafka and Redis from libs/devstack (bench/gateway/DevStackMain.java), the JVM's default flags, rate limits on (one
# Redis round trip per request; limits set too high to refuse anything). nginx proxies with keepalive 64 and sets the
# same forwarded, request-id and security headers. A second gateway run with rate limits off is printed for context.
# nginx and wrk are installed with apt-get when missing.
#
# Prints the Markdown rows and adds them to docs/benchmarks.md (replacing rows with the same key). BENCH_DOC writes
# elsewhere; GATEWAY_JAVA_OPTS sets the gateway's JVM flags; BENCH_ROUNDS (3) and BENCH_SECONDS (15) shorten a trial.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
HERE="$REPO/bench/gateway"
APP="$REPO/services/gateway/target/quarkus-app"
ROUNDS="${BENCH_ROUNDS:-3}"
SECONDS_PER_RUN="${BENCH_SECONDS:-15}"
LATENCY_SECONDS=10
LOAD="-t2 -c32 -d${SECONDS_PER_RUN}s"
ONE="-t1 -c1 -d${LATENCY_SECONDS}s"

log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "bench: $*"; exit 1; }

# --- tools -----------------------------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
    log "installing ${missing[*]} with apt-get"
    sudo=""
    [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in java nginx wrk curl awk sort; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done
NGINX="$(command -v nginx)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-gateway.XXXXXX")"
pids=()

cleanup() {
    set +e
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        if kill -0 "${pids[i]}" 2>/dev/null; then
            kill "${pids[i]}"
            wait "${pids[i]}" 2>/dev/null
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

# Waits until $1 answers 200, at most $2 seconds; $3 names the process, $4 is its pid, $5 its log (shown on failure).
await_ok() {
    local deadline=$((SECONDS + $2))
    until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" == 200 ]]; do
        if ! kill -0 "$4" 2>/dev/null || ((SECONDS >= deadline)); then
            tail -30 "$5" >&2
            die "$3 was not ready within $2 s ($1); the end of its log is above"
        fi
        sleep 0.5
    done
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "—" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# Runs wrk ($1: options, $2: URL); prints "<requests/s> <p50 ms>". Any non-2xx answer makes the run invalid.
measure() {
    local out
    # shellcheck disable=SC2086
    out="$(wrk $1 --latency "$2")"
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "$out" >&2
        die "answers other than 2xx from $2: the figures would not be comparable"
    fi
    awk '
        /^Requests\/sec:/ { rps = $2 }
        $1 == "50%" { v = $2
            if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
            else if (v ~ /ms$/) { sub(/ms$/, "", v) }
            else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
            p50 = v }
        END { printf "%.0f %.3f\n", rps, p50 }' <<<"$out"
}

# --- the gateway's jar and the dev stack's classpath -----------------------------------------------------------------
cd "$REPO"
# built with the libraries it needs (-am: a fresh clone has none of them in ~/.m2); each module writes its classpath to
# the same file, the gateway, built last, wins
log "building the gateway and resolving its classpath"
./mvnw -B -q package dependency:build-classpath -DskipTests -Dformatter.skip=true -Dimpsort.skip=true \
    -pl services/gateway -am -Dmdep.includeScope=test -Dmdep.outputFile="$tmp/classpath.txt" >/dev/null \
    || die "could not build the gateway or resolve its classpath (./mvnw -pl services/gateway -am package dependency:build-classpath)"

# --- token check (first, while nothing else runs) --------------------------------------------------------------------
log "token check: $HERE/TokenCheck.java"
token_us="$(java -cp "$APP/lib/main/*" "$HERE/TokenCheck.java" 2>"$tmp/token-check.err")" \
    || { cat "$tmp/token-check.err" >&2; die "TokenCheck failed"; }

# --- infrastructure --------------------------------------------------------------------------------------------------
log "starting Postgres, Kafka and Redis (libs/devstack)"
java -cp "$(cat "$tmp/classpath.txt")" "$HERE/DevStackMain.java" "$tmp/stack" >"$tmp/stack.env" 2>"$tmp/stack.log" &
stack_pid=$!
pids+=("$stack_pid")
deadline=$((SECONDS + 180))
until grep -qs '^READY$' "$tmp/stack.env"; do
    kill -0 "$stack_pid" 2>/dev/null || { tail -20 "$tmp/stack.log" >&2; die "the dev stack did not start"; }
    ((SECONDS < deadline)) || die "the dev stack was not ready within 180 s"
    sleep 0.5
done
stack_env=()
while IFS= read -r line; do
    [[ "$line" == *=* ]] && stack_env+=("$line")
done <"$tmp/stack.env"

# --- upstream and nginx ----------------------------------------------------------------------------------------------
upstream_port="$(free_port)"
nginx_port="$(free_port)"
mkdir -p "$tmp/upstream/logs" "$tmp/nginx/logs"
cat >"$tmp/upstream/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/upstream/nginx.pid;
error_log $tmp/upstream/logs/error.log warn;
user root root;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    client_body_temp_path $tmp/upstream/body;
    server {
        listen 127.0.0.1:$upstream_port;
        location / { return 200 "ok\n"; }
    }
}
EOF
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
user root root;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    upstream registry {
        server 127.0.0.1:$upstream_port;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        location /api/registry/ {
            proxy_pass http://registry/api/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Request-Id \$request_id;
            add_header X-Request-Id \$request_id always;
            add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" always;
            add_header X-Content-Type-Options nosniff always;
            add_header Referrer-Policy same-origin always;
            add_header X-Frame-Options DENY always;
        }
    }
}
EOF
"$NGINX" -p "$tmp/upstream" -c "$tmp/upstream/nginx.conf" -g 'daemon off;' 2>>"$tmp/upstream/logs/error.log" &
pids+=($!)
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' 2>>"$tmp/nginx/logs/error.log" &
pids+=($!)
await_ok "http://127.0.0.1:$upstream_port/" 20 "the upstream (nginx)" "${pids[-2]}" "$tmp/upstream/logs/error.log"
await_ok "http://127.0.0.1:$nginx_port/api/registry/v1/ping" 20 "nginx" "${pids[-1]}" "$tmp/nginx/logs/error.log"

# --- the gateway -----------------------------------------------------------------------------------------------------
gateway_pid=""
gateway_port=""
# Starts the gateway; $1: true/false for rate limits.
start_gateway() {
    gateway_port="$(free_port)"
    local javaopts=()
    read -r -a javaopts <<<"${GATEWAY_JAVA_OPTS:-}"
    env "${stack_env[@]}" \
        QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$gateway_port" \
        STRATA_SERVICES_REGISTRY_URL="http://127.0.0.1:$upstream_port" \
        STRATA_GATEWAY_RATE_LIMIT_ENABLED="$1" \
        STRATA_GATEWAY_RATE_LIMIT_PER_IP_CAPACITY=1000000000 \
        STRATA_GATEWAY_RATE_LIMIT_PER_IP_REFILL_PER_SECOND=1000000000 \
        STRATA_GATEWAY_RATE_LIMIT_PER_PRINCIPAL_CAPACITY=1000000000 \
        STRATA_GATEWAY_RATE_LIMIT_PER_PRINCIPAL_REFILL_PER_SECOND=1000000000 \
        java "${javaopts[@]}" -jar "$APP/quarkus-run.jar" >"$tmp/gateway-$1.log" 2>&1 &
    gateway_pid=$!
    pids+=("$gateway_pid")
    await_ok "http://127.0.0.1:$gateway_port/q/health/ready" 120 "the gateway" "$gateway_pid" "$tmp/gateway-$1.log"
    log "gateway ready on $gateway_port (rate limits: $1); warming up"
    measure "-t2 -c32 -d30s" "http://127.0.0.1:$gateway_port/api/registry/v1/ping" >/dev/null
    measure "-t1 -c1 -d5s" "http://127.0.0.1:$gateway_port/api/registry/v1/ping" >/dev/null
}
stop_gateway() {
    kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
}

direct="http://127.0.0.1:$upstream_port/api/v1/ping"
via_nginx="http://127.0.0.1:$nginx_port/api/registry/v1/ping"

start_gateway true
via_gateway="http://127.0.0.1:$gateway_port/api/registry/v1/ping"
measure "-t2 -c32 -d5s" "$via_nginx" >/dev/null
gw_rps=() ngx_rps=() gw_p50=() ngx_p50=() direct_p50=()
for ((round = 1; round <= ROUNDS; round++)); do
    r="$(measure "$LOAD" "$via_gateway")" && gw_rps+=("${r% *}")
    r="$(measure "$LOAD" "$via_nginx")" && ngx_rps+=("${r% *}")
    r="$(measure "$ONE" "$direct")" && direct_p50+=("${r#* }")
    r="$(measure "$ONE" "$via_gateway")" && gw_p50+=("${r#* }")
    r="$(measure "$ONE" "$via_nginx")" && ngx_p50+=("${r#* }")
    log "round $round: gateway ${gw_rps[-1]} req/s, nginx ${ngx_rps[-1]} req/s;" \
        "p50 direct ${direct_p50[-1]} ms, gateway ${gw_p50[-1]} ms, nginx ${ngx_p50[-1]} ms"
done
stop_gateway

start_gateway false
via_gateway="http://127.0.0.1:$gateway_port/api/registry/v1/ping"
plain_rps=() plain_p50=()
for ((round = 1; round <= ROUNDS; round++)); do
    r="$(measure "$LOAD" "$via_gateway")" && plain_rps+=("${r% *}")
    r="$(measure "$ONE" "$via_gateway")" && plain_p50+=("${r#* }")
    log "round $round without rate limits: gateway ${plain_rps[-1]} req/s, p50 ${plain_p50[-1]} ms"
done
stop_gateway

# --- figures ---------------------------------------------------------------------------------------------------------
gw="$(median "${gw_rps[@]}")"
ngx="$(median "${ngx_rps[@]}")"
direct_ms="$(median "${direct_p50[@]}")"
gw_added="$(minus "$(median "${gw_p50[@]}")" "$direct_ms")"
ngx_added="$(minus "$(median "${ngx_p50[@]}")" "$direct_ms")"
plain="$(median "${plain_rps[@]}")"
plain_added="$(minus "$(median "${plain_p50[@]}")" "$direct_ms")"
date="$(date +%Y-%m-%d)"
cores="$(nproc)"

rows=(
    "| gateway.throughput.vs_nginx | $gw req/s | $ngx req/s | $(ratio "$gw" "$ngx") | ≥ 1.0 | bench/gateway/run.sh (wrk $LOAD, median of $ROUNDS; rate limits on; $cores cores shared by wrk, proxy and upstream) | $date |"
    "| gateway.added_p50_ms | $gw_added | $ngx_added | $(ratio "$gw_added" "$ngx_added") | ≤ 0.25 | bench/gateway/run.sh (wrk $ONE, p50 minus direct p50 $direct_ms ms, median of $ROUNDS; baseline: nginx) | $date |"
    "| gateway.token_check_us | $token_us | — | — | — | bench/gateway/run.sh (TokenCheck.java: RS256 JWT checked with jose4j as quarkus-oidc does, median of 5 × 50,000) | $date |"
)
echo
echo "Without rate limits (no Redis round trip): gateway $plain req/s ($(ratio "$plain" "$ngx")× nginx), added p50 $plain_added ms"
echo
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
