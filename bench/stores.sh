#!/usr/bin/env bash
# Request throughput of the in-memory stores against the PostgreSQL stores, in the same run on this machine:
# GET /users/me (a user lookup per request) and POST /orders (one picture, classified at once, order + product rows
# written), wrk -t2 -c50, medians of BENCH_REPEATS runs after a warm-up. PostgreSQL is a private server started here
# from Debian's binaries (apt-get install postgresql) on 127.0.0.1, with its default durability settings.
#
#   bench/stores.sh          (after ./mvnw -B package, or it builds)
#
# Knobs: BENCH_PORT (18090), BENCH_DURATION (15s), BENCH_WARMUP (5s), BENCH_REPEATS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/bench/work-stores
PORT=${BENCH_PORT:-18090}
PG_PORT=$((PORT + 1))
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-5s}
REPEATS=${BENCH_REPEATS:-3}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
BASE=http://127.0.0.1:$PORT
PIDS=()
. bench/lib.sh

missing=()
for tool in wrk jq curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
rm -rf "$WORK" && mkdir -p "$WORK"
cleanup() {
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    stop_postgres
}
trap cleanup EXIT
start_postgres "$PG_PORT" bench

python3 - "$ROOT/src/test/resources/fixtures/test-00000.png" "$WORK/order-1.json" <<'PY'
import base64, json, sys
png = open(sys.argv[1], "rb").read()
json.dump({"items": [{"image": base64.b64encode(png).decode()}]}, open(sys.argv[2], "w"))
PY

APP_PID=
start_app() { # $1 = store, rest = JVM options
    local store=$1; shift
    APP_ADMIN_PASSWORD=bench-admin-password APP_STORE=$store \
    APP_TOKEN_SECRET=$(printf 'bench-secret-bench-secret-bench-secret!!' | base64 -w0) \
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$PG_PORT/bench QUARKUS_DATASOURCE_USERNAME=postgres \
        "$JAVA" "$@" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dquarkus.shutdown.delay=0s \
        -Dapp.prediction-log.path="$WORK/predictions.jsonl" -Dquarkus.http.access-log.enabled=false \
        -jar target/quarkus-app/quarkus-run.jar >>"$WORK/app-$store.log" 2>&1 &
    APP_PID=$!
    PIDS+=("$APP_PID")
    local deadline=$((SECONDS + 60))
    until curl -sf -o /dev/null "$BASE/q/health/ready"; do
        [ $SECONDS -lt $deadline ] && kill -0 "$APP_PID" 2>/dev/null || { tail -20 "$WORK/app-$store.log" >&2; exit 1; }
        sleep 0.05
    done
}
stop_app() { kill -TERM "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; }

measure() { # $1 = store, $2 = name, $3 = path, rest = wrk script arguments
    local store=$1 name=$2 path=$3; shift 3
    wrk -t2 -c50 -d"$WARMUP" "$@" "$BASE$path" >/dev/null 2>&1
    local rps=() p99=() bad=0
    for r in $(seq 1 "$REPEATS"); do
        local out="$WORK/wrk-$store-$name-$r.txt"
        wrk -t2 -c50 -d"$DURATION" --latency "$@" "$BASE$path" >"$out" 2>&1
        rps+=("$(awk '/Requests\/sec/{print $2}' "$out")")
        p99+=("$(awk '$1=="99%"{print $2}' "$out" | to_ms)")
        bad=$((bad + $(awk '/Non-2xx/{print $5}' "$out" | grep -E '^[0-9]+$' || echo 0)))
    done
    echo "$store $name $(printf '%s\n' "${rps[@]}" | stats) $(printf '%s\n' "${p99[@]}" | stats | cut -d' ' -f1) $bad" \
        | tee -a "$WORK/stores.txt" >&2
}

: >"$WORK/stores.txt"
for store in memory postgres; do
    log "store $store"
    start_app "$store"
    curl -sf -o /dev/null -X POST "$BASE/users" -H 'Content-Type: application/json' \
        -d '{"username":"bench","password":"bench-password"}'
    TOKEN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
        -d '{"username":"bench","password":"bench-password"}' | jq -r .access_token)
    export TOKEN BODY=$WORK/order-1.json CTYPE=application/json
    measure "$store" users-me /users/me -s bench/lua/get-auth.lua
    measure "$store" orders-sync-1 /orders -s bench/lua/post-file.lua
    stop_app
done

DATE=$(date +%Y-%m-%d)
jdk=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
OUT=bench/results/$DATE-stores-jdk$jdk.md
{
    echo "# Stores: memory vs PostgreSQL ($DATE, JDK $jdk, $(nproc) cores, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'))"
    echo
    echo "\`bench/stores.sh\`: wrk -t2 -c50 -d$DURATION after a $WARMUP warm-up, $REPEATS runs, median (min–max)."
    echo
    echo "| scenario | memory req/s | postgres req/s | postgres / memory | p99 ms memory / postgres | non-2xx |"
    echo "|---|---|---|---|---|---|"
    for name in users-me orders-sync-1; do
        awk -v n="$name" '$2==n {a[$1]=$0} END {split(a["memory"],m," "); split(a["postgres"],p," ");
            printf "| %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.0f%% | %s / %s | %d |\n", n, m[3], m[4], m[5],
            p[3], p[4], p[5], 100*p[3]/m[3], m[6], p[6], m[7]+p[7]}' "$WORK/stores.txt"
    done
    echo
    echo '```'
    cat "$WORK/stores.txt"
    echo '```'
} >"$OUT"
{ sed -e '/^```/,$d' -e '1s/^# Stores:/## Latest stores run:/' "$OUT"; echo "Full output: \`$OUT\`."; } \
    | benchmarks_block stores
cat "$OUT"
