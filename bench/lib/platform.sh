# Shared by the benchmarks that run against a whole platform (bench/load, bench/sql): source it after setting REPO
# and tmp (a fresh temporary directory). Starts `./strata up` with its data in $tmp/data and stops it on exit.
#
#   platform_up                      sets $gateway, $launcher; extra environment may be passed before the call;
#                                    BENCH_GATEWAY_PORT=<port> instead of auto (two platforms started at once both
#                                    take 8080)
#   bench_compile <file.java>...     compiles bench classes against libs/devstack into $tmp/classes; sets $bench_cp
#   doc_rows <doc> <rows> <key>...   replaces the rows with these keys in <doc> (a benchmarks.md) by <rows>

log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

launcher=""
platform_cleanup() {
    if [[ -n "$launcher" ]]; then
        (cd "$REPO" && ./strata down --data-dir "$tmp/data" >&2) || true
        wait "$launcher" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap platform_cleanup EXIT

platform_up() {
    log "starting the platform (./strata up, data in $tmp/data)"
    (cd "$REPO" && exec ./strata up --data-dir "$tmp/data" --gateway-port "${BENCH_GATEWAY_PORT:-auto}") >"$tmp/up.log" 2>&1 &
    launcher=$!
    for _ in $(seq 1 600); do
        grep -q "Strata is ready in" "$tmp/up.log" && break
        kill -0 "$launcher" 2>/dev/null || { cat "$tmp/up.log" >&2; exit 1; }
        sleep 1
    done
    grep -q "Strata is ready in" "$tmp/up.log" || { cat "$tmp/up.log" >&2; exit 1; }
    gateway="$(grep -o 'Gateway: *http://[0-9.:]*' "$tmp/up.log" | head -1 | sed 's/Gateway: *//')"
    log "platform ready, gateway $gateway"
}

bench_compile() {
    (cd "$REPO" && ./mvnw -B -q -o -pl libs/devstack -am compile dependency:build-classpath \
        -Dmdep.outputFile="$tmp/classpath.txt") >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
    bench_cp="$REPO/libs/devstack/target/classes:$(cat "$tmp/classpath.txt")"
    javac -d "$tmp/classes" -cp "$bench_cp" "$@"
    bench_cp="$bench_cp:$tmp/classes"
}

doc_rows() {
    local doc="$1" rows="$2"
    shift 2
    for key in "$@"; do
        grep -v "^| $key |" "$doc" >"$tmp/doc" && cat "$tmp/doc" >"$doc"
    done
    echo "$rows" >>"$doc"
}
