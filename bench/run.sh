#!/usr/bin/env bash
# Benchmarks model-serving on this machine: launch-to-ready, memory, HTTP throughput and latency against the
# framework's own health endpoint, background order throughput, and in-process inference latency.
# Every load goes to 127.0.0.1 and is bounded in time; every process started here is stopped by PID.
#
#   bench/run.sh                       # JDK from PATH (or JAVA_HOME)
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/run.sh
#
# Knobs: BENCH_PORT (18080), BENCH_DURATION (15s), BENCH_WARMUP (5s), BENCH_REPEATS (3), BENCH_LAUNCHES (10),
# BENCH_ORDERS (100), BENCH_SKIP_BUILD (unset), BENCH_SKIP_KAFKA (unset: bench/kafka.sh runs after the load),
# BENCH_SKIP_SWAP (unset: bench/swap.sh runs after it), BENCH_SKIP_START (unset: bench/start.sh runs last, with a JDK 25).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/bench/work
PORT=${BENCH_PORT:-18080}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-5s}
REPEATS=${BENCH_REPEATS:-3}
LAUNCHES=${BENCH_LAUNCHES:-10}
ORDERS=${BENCH_ORDERS:-100}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
BASE=http://127.0.0.1:$PORT
DATASET=/usr/share/datasets/fashion-mnist
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

. bench/lib.sh

# --- tools and inputs -------------------------------------------------------------------------------------------
missing=()
for tool in wrk jq curl python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
command -v h2load >/dev/null || missing+=(nghttp2-client)
[ -d "$DATASET" ] || missing+=(dataset-fashion-mnist)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
jdk_major=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
rm -rf "$WORK" && mkdir -p "$WORK/bodies"
python3 bench/make-bodies.py "$DATASET" src/test/resources/fixtures "$WORK/bodies"
PNG=$ROOT/src/test/resources/fixtures/test-00000.png

# --- builds: the plain jar and the AppCDS variant ----------------------------------------------------------------
build() { # $1 = variant dir, rest = extra Maven flags
    local dir=$1; shift
    log "building $dir"
    JAVA_HOME=${JAVA_HOME:-} ./mvnw -B -q package -DskipTests "$@" >"$WORK/build-$(basename "$dir").log" 2>&1
    cp -a target/quarkus-app "$dir"
}
if [ -z "${BENCH_SKIP_BUILD:-}" ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
    build "$WORK/plain"
    build "$WORK/appcds" -Dquarkus.package.jar.appcds.enabled=true
else
    cp -a target/quarkus-app "$WORK/plain"
fi

# --- 1. launch to ready ------------------------------------------------------------------------------------------
launch_series() { # $1 = label, $2 = app dir, rest = JVM options; prints "label median min max rss"
    local label=$1 dir=$2; shift 2
    local times=() rss=
    for _ in $(seq 1 "$LAUNCHES"); do
        local t0 t1
        t0=$(date +%s%N)
        start_app "$JAVA" "$dir" "$@"
        wait_ready
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000000 )))
        rss=$(rss_mb)
        stop_app
    done
    echo "$label $(printf '%s\n' "${times[@]}" | stats) $rss"
}
log "launch to ready, $LAUNCHES launches each"
{
    launch_series "jar" "$WORK/plain"
    if [ -f "$WORK/appcds/app-cds.jsa" ]; then
        launch_series "jar+AppCDS" "$WORK/appcds" -XX:SharedArchiveFile=app-cds.jsa -Xshare:auto
        # The JVM's own choices in a pod with the manifest's 512 Mi limit (Serial GC: not a "server class" machine
        # below 1792 MB; heap sized from the limit), then with the C2 compiler off as well (footprint for peak speed).
        launch_series "jar+AppCDS+pod512" "$WORK/appcds" -XX:SharedArchiveFile=app-cds.jsa -Xshare:auto \
            -XX:+UseSerialGC -XX:MaxRAM=512m
        launch_series "jar+AppCDS+pod512+C1" "$WORK/appcds" -XX:SharedArchiveFile=app-cds.jsa -Xshare:auto \
            -XX:+UseSerialGC -XX:MaxRAM=512m -XX:TieredStopAtLevel=1
    fi
    for runner in target/*-runner; do
        [ -x "$runner" ] || continue
        label=native; times=()
        for _ in $(seq 1 "$LAUNCHES"); do
            t0=$(date +%s%N)
            APP_ADMIN_PASSWORD=x "$runner" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
                -Dapp.prediction-log.path="$WORK/predictions.jsonl" >>"$WORK/app.log" 2>&1 &
            APP_PID=$!; PIDS+=("$APP_PID")
            wait_ready; t1=$(date +%s%N); times+=($(( (t1 - t0) / 1000000 ))); rss=$(rss_mb); stop_app
        done
        echo "$label $(printf '%s\n' "${times[@]}" | stats) $rss"
    done
} >"$WORK/launch.txt"
cat "$WORK/launch.txt" >&2

# --- 2./3. load on the plain jar ---------------------------------------------------------------------------------
start_app "$JAVA" "$WORK/plain"
wait_ready
RSS_READY=$(rss_mb)
curl -sf -o /dev/null -X POST "$BASE/users" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password"}'
TOKEN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password"}' | jq -r .access_token)
export TOKEN

wrk_once() { # $1 = output file, rest = wrk arguments after the common ones
    local out=$1; shift
    wrk -t2 -c50 -d"$DURATION" --latency "$@" >"$out" 2>&1
}
scenario() { # $1 = name, $2 = path, $3 = lua script or "", then env for the script
    local name=$1 path=$2 script=$3
    local args=()
    [ -n "$script" ] && args=(-s "bench/lua/$script")
    log "scenario $name"
    wrk -t2 -c50 -d"$WARMUP" "${args[@]}" "$BASE$path" >/dev/null 2>&1
    local rps=() p50=() p99=() bad=0
    for r in $(seq 1 "$REPEATS"); do
        local out="$WORK/wrk-$name-$r.txt"
        wrk_once "$out" "${args[@]}" "$BASE$path"
        rps+=("$(awk '/Requests\/sec/{print $2}' "$out")")
        p50+=("$(awk '$1=="50%"{print $2}' "$out" | to_ms)")
        p99+=("$(awk '$1=="99%"{print $2}' "$out" | to_ms)")
        bad=$((bad + $(awk '/Non-2xx/{print $5}' "$out" | grep -E '^[0-9]+$' || echo 0)))
        bad=$((bad + $(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' "$out" | grep -E '^[0-9]+$' || echo 0)))
    done
    echo "$name $(printf '%s\n' "${rps[@]}" | stats) $(printf '%s\n' "${p50[@]}" | stats | cut -d' ' -f1) $(printf '%s\n' "${p99[@]}" | stats | cut -d' ' -f1) $bad" >>"$WORK/load.txt"
}
: >"$WORK/load.txt"
scenario health-live /q/health/live ""
scenario users-me /users/me get-auth.lua
BODY=$ROOT/src/test/resources/fixtures/test-00000.png CTYPE=image/png scenario predictions /predictions post-file.lua
BODY=$WORK/bodies/infer-1.json CTYPE=application/json scenario v2-infer-b1 /v2/models/fashion-mnist/infer post-file.lua
BODY=$WORK/bodies/infer-32.json CTYPE=application/json scenario v2-infer-b32 /v2/models/fashion-mnist/infer post-file.lua
BODY=$WORK/bodies/infer-1.bin CTYPE=application/octet-stream HEADER_LENGTH=$(cat "$WORK/bodies/infer-1.bin.header") \
    scenario v2-infer-bin-b1 /v2/models/fashion-mnist/infer post-file.lua

# gRPC ModelInfer (raw tensor contents) with h2load replaying one framed message over HTTP/2 cleartext, 50 connections
# of one stream each, as wrk's 50 connections. h2load sees only the HTTP status (200 for every gRPC answer, the
# outcome is in the trailers), so after the timed runs a counted pass of 2000 calls checks that the model's success
# counter grew by every one of them: its shortfall is the scenario's error count.
successes() {
    curl -sf "$BASE/q/metrics" | awk '/^model_inference_requests_total\{/ && /model="fashion-mnist"/ && /outcome="success"/{s+=$2} END{printf "%d\n", s}'
}
h2load_timed() { # $1 = name, $2 = url, rest = h2load arguments; prints "req/s-stats p50 p99" over REPEATS runs
    local name=$1 url=$2; shift 2
    h2load "$@" -D "${WARMUP%s}" "$url" >/dev/null 2>&1
    local rps=() p50=() p99=()
    for r in $(seq 1 "$REPEATS"); do
        local out="$WORK/h2load-$name-$r.txt"
        h2load "$@" -D "${DURATION%s}" --log-file="$WORK/h2load-$name-$r.log" "$url" >"$out" 2>&1
        rps+=("$(awk '/^finished in/{print $4}' "$out")")
        p50+=("$(cut -f3 "$WORK/h2load-$name-$r.log" | sort -n | awk '{a[NR]=$1} END{print a[int(NR*0.5)]/1000}')")
        p99+=("$(cut -f3 "$WORK/h2load-$name-$r.log" | sort -n | awk '{a[NR]=$1} END{print a[int(NR*0.99)]/1000}')")
    done
    echo "$(printf '%s\n' "${rps[@]}" | stats) $(printf '%s\n' "${p50[@]}" | stats | cut -d' ' -f1) $(printf '%s\n' "${p99[@]}" | stats | cut -d' ' -f1)"
}
H2=(h2load -c50 -m1 -t2)
# The reference for the gRPC scenario: h2load costs more CPU per request than wrk on the same two cores, so a ratio
# to health-live (wrk, HTTP/1.1) mixes the server's cost with the load generator's; this one does not.
log "scenario health-live-h2"
bad=$("${H2[@]}" -n 2000 "$BASE/q/health/live" | awk '/^status codes/{print 2000-$3}')
echo "health-live-h2 $(h2load_timed health-live-h2 "$BASE/q/health/live" "${H2[@]:1}") $bad" >>"$WORK/load.txt"
grpc_scenario() { # $1 = name, $2 = framed request body
    local name=$1 body=$2 url=$BASE/inference.GRPCInferenceService/ModelInfer
    local grpc=(-c50 -m1 -t2 -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $TOKEN"
        -d "$body")
    log "scenario $name"
    curl -s --http2-prior-knowledge -o /dev/null -D - -H 'content-type: application/grpc' -H 'te: trailers' \
        -H "authorization: Bearer $TOKEN" --data-binary @"$body" "$url" \
        | grep -q 'grpc-status: 0' || { log "$name: the first call did not end with grpc-status 0"; exit 1; }
    local timed before bad
    timed=$(h2load_timed "$name" "$url" "${grpc[@]}")
    before=$(successes)
    h2load "${grpc[@]}" -n 2000 "$url" >"$WORK/h2load-$name-counted.txt" 2>&1
    bad=$(( 2000 - ($(successes) - before) ))
    echo "$name $timed $bad" >>"$WORK/load.txt"
}
grpc_scenario grpc-infer-b1 "$WORK/bodies/infer-1.grpc"
BODY=$WORK/bodies/order-1.json CTYPE=application/json scenario orders-sync-1 /orders post-file.lua
cat "$WORK/load.txt" >&2

# Sync order latency, one request at a time: 1 and 8 pictures.
order_latency() { # $1 = body; prints "median min max" in ms over 50 requests
    for _ in $(seq 1 50); do
        curl -s -o /dev/null -w '%{time_total}\n' -X POST "$BASE/orders" -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' --data-binary @"$1"
    done | awk '{print $1*1000}' | stats
}
ORDER1=$(order_latency "$WORK/bodies/order-1.json")
ORDER8=$(order_latency "$WORK/bodies/order-8.json")

# --- 4. background throughput: ORDERS async orders of 32 pictures ---------------------------------------------
log "background: $ORDERS orders of 32 pictures"
curl -sf -o /dev/null -X POST "$BASE/users" -H 'Content-Type: application/json' \
    -d '{"username":"bench-async","password":"bench-password"}'
ASYNC_TOKEN=$(curl -sf -X POST "$BASE/auth/token" -H 'Content-Type: application/json' \
    -d '{"username":"bench-async","password":"bench-password"}' | jq -r .access_token)
# Untimed rounds for the warm-up time first (the order path's JIT warm-up, like wrk's), then REPEATS timed rounds.
"$JAVA" bench/AsyncOrders.java "$BASE" "$ASYNC_TOKEN" "$WORK/bodies/order-32.json" "$ORDERS" 8 "$REPEATS" \
    "${WARMUP%s}" >"$WORK/async.txt"
read -r ASYNC_IPS ASYNC_MIN ASYNC_MAX < <(awk '{printf "%.0f\n", $3*32/$1}' "$WORK/async.txt" | stats)
read -r ASYNC_SECONDS _ _ < <(awk '{print $1}' "$WORK/async.txt" | stats)
ACCEPTED=$(awk '{s+=$2} END{print s}' "$WORK/async.txt")
SUCCEEDED=$(awk '{s+=$3} END{print s}' "$WORK/async.txt")
peak=$(awk '$4>m{m=$4} END{print m+0}' "$WORK/async.txt")
RSS_LOAD=$(rss_mb)
WORKERS=$(nproc)
grep -c "has been blocked" "$WORK/app.log" >"$WORK/blocked.txt" || true
stop_app

# --- 5. in-process single-image latency ----------------------------------------------------------------------
log "in-process inference latency"
read -r IN_P50 IN_P99 IN_MEAN IN_IPS < <("$JAVA" -cp "$WORK/plain/app/*:$WORK/plain/lib/main/*" \
    bench/InferenceLatency.java "$PNG" 20000)

# --- report ----------------------------------------------------------------------------------------------------
DATE=$(date +%F)
RESULT=bench/results/$DATE-jdk$jdk_major.md
REF=$(awk '$1=="health-live"{print $2}' "$WORK/load.txt")
{
    echo "# Benchmark $DATE, JDK $jdk_major"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JAVA" -version 2>&1 | head -1)."
    echo "Command: \`${JAVA_HOME:+JAVA_HOME=$JAVA_HOME }bench/run.sh\` (wrk -t2 -c50 -d$DURATION after a $WARMUP warm-up, $REPEATS runs each, wrk on the same 2 cores)."
    echo
    echo "## Launch to ready (model loaded), $LAUNCHES launches"
    echo
    echo "| variant | median ms | min ms | max ms | RSS after ready MB |"
    echo "|---|---|---|---|---|"
    awk '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$WORK/launch.txt"
    echo
    echo "## HTTP load (plain jar)"
    echo
    echo "| scenario | req/s median (min–max) | ratio to health-live | p50 ms | p99 ms | non-2xx/errors |"
    echo "|---|---|---|---|---|---|"
    awk -v ref="$REF" '{printf "| %s | %.0f (%.0f–%.0f) | %.0f%% | %.2f | %.2f | %s |\n", $1, $2, $3, $4, 100*$2/ref, $5, $6, $7}' "$WORK/load.txt"
    echo
    echo "RSS: $RSS_READY MB right after ready, $RSS_LOAD MB after the load phase."
    echo
    read -r o1m o1a o1b <<<"$ORDER1"; read -r o8m o8a o8b <<<"$ORDER8"
    echo "Sync order latency, one request at a time, 50 requests: 1 picture median ${o1m} ms (${o1a}–${o1b}); 8 pictures median ${o8m} ms (${o8a}–${o8b})."
    echo
    echo "## Background orders"
    echo
    echo "$ORDERS orders of 32 pictures with \`Prefer: respond-async\` from one client with kept-alive connections, 8 in flight (bench/AsyncOrders.java), after untimed rounds for the $WARMUP warm-up: $REPEATS timed rounds, $ACCEPTED accepted with 202, $SUCCEEDED SUCCEEDED; median round $ASYNC_SECONDS s (first submission to last task ended, long-polling) -> **$ASYNC_IPS images/s** (min–max $ASYNC_MIN–$ASYNC_MAX) with $WORKERS workers; peak queue depth $peak."
    echo
    echo '```'
    cat "$WORK/async.txt"
    echo '```'
    echo
    echo "## In-process inference (decode PNG + preprocess + ONNX run, one thread, 20,000 runs)"
    echo
    echo "p50 $IN_P50 µs, p99 $IN_P99 µs, mean $IN_MEAN µs -> $IN_IPS images/s per thread; x $WORKERS workers = $((IN_IPS * WORKERS)) images/s."
    echo "Background efficiency: $ASYNC_IPS / $((IN_IPS * WORKERS)) = $(awk -v a="$ASYNC_IPS" -v b="$((IN_IPS * WORKERS))" 'BEGIN{printf "%.0f%%", 100*a/b}')."
    echo
    echo "Vert.x blocked-thread warnings in the application log: $(cat "$WORK/blocked.txt")."
    echo
    echo "## Raw wrk output"
    for f in "$WORK"/wrk-*.txt "$WORK"/h2load-*.txt; do
        echo; echo "### $(basename "$f" .txt)"; echo; echo '```'; cat "$f"; echo '```'
    done
} >"$RESULT"
log "wrote $RESULT"

# --- targets and BENCHMARKS.md -----------------------------------------------------------------------------------
row() { awk -v n="$1" '$1==n' "$WORK/load.txt"; }
ratio() { awk -v ref="$REF" '{printf "%.0f", 100*$2/ref}' <<<"$(row "$1")"; }
p99() { awk '{print $6}' <<<"$(row "$1")"; }
bad() { awk '{print $7}' <<<"$(row "$1")"; }
verdict() { if awk "BEGIN{exit !($1)}"; then echo met; else echo "**missed**"; fi; }
read -r BEST_LAUNCH_VARIANT BEST_LAUNCH < <(sort -k2,2n "$WORK/launch.txt" | awk 'NR==1{print $1, $2}')
read -r BEST_RSS_VARIANT BEST_RSS < <(sort -k5,5n "$WORK/launch.txt" | awk 'NR==1{print $1, $5}')
JAR_RSS=$(awk '$1=="jar"{print $5}' "$WORK/launch.txt")
EFFICIENCY=$(awk -v a="$ASYNC_IPS" -v b="$((IN_IPS * WORKERS))" 'BEGIN{printf "%.0f", 100*a/b}')
{
    echo "## Targets"
    echo
    echo "| target | measured | verdict |"
    echo "|---|---|---|"
    for s in users-me:70 v2-infer-b1:40 v2-infer-bin-b1:45 grpc-infer-b1:50 predictions:25; do
        n=${s%%:*}; t=${s##*:}
        echo "| $n >= $t% of health-live req/s | $(ratio "$n")% | $(verdict "$(ratio "$n") >= $t") |"
        echo "| $n p99 <= 25 ms, zero non-2xx | p99 $(p99 "$n") ms, $(bad "$n") non-2xx | $(verdict "$(p99 "$n") <= 25 && $(bad "$n") == 0") |"
    done
    H2_RATIO=$(awk -v ref="$(awk '{print $2}' <<<"$(row health-live-h2)")" '{printf "%.0f", 100*$2/ref}' <<<"$(row grpc-infer-b1)")
    echo "| grpc-infer-b1 >= 50% of health-live-h2 req/s (both h2load) | $H2_RATIO% | $(verdict "$H2_RATIO >= 50") |"
    echo "| launch to ready <= 1500 ms (median, best variant) | $BEST_LAUNCH ms ($BEST_LAUNCH_VARIANT) | $(verdict "$BEST_LAUNCH <= 1500") |"
    echo "| RSS after ready <= 150 MB (jar, no JVM options) | $JAR_RSS MB | $(verdict "$JAR_RSS <= 150") |"
    echo "| RSS after ready <= 150 MB (best variant) | $BEST_RSS MB ($BEST_RSS_VARIANT) | $(verdict "$BEST_RSS <= 150") |"
    echo "| background images/s >= 80% of in-process x workers | $EFFICIENCY% | $(verdict "$EFFICIENCY >= 80") |"
} >"$WORK/targets.md"
cat "$WORK/targets.md" >>"$RESULT"
python3 - "$RESULT" "$WORK/targets.md" <<'PY' | benchmarks_block "jdk$jdk_major"
import sys
result, targets = open(sys.argv[1]).read(), open(sys.argv[2]).read()
summary = result.split("## Raw wrk output")[0].replace("# Benchmark", "## Latest run:", 1).replace("\n## ", "\n### ").replace("### Latest run:", "## Latest run:", 1)
print(summary + "\n" + targets.replace("## Targets", "### Targets") + "\nFull output: `" + sys.argv[1] + "`.")
PY
log "updated BENCHMARKS.md"
sed -n '1,/## Raw wrk output/p' "$RESULT"
cat "$WORK/targets.md"

# --- the prediction log shipped to Kafka against the file alone, in one run (bench/kafka.sh) ---------------------
if [ -n "${BENCH_SKIP_KAFKA:-}" ]; then
    log "Kafka sink skipped (BENCH_SKIP_KAFKA)"
else
    BENCH_SKIP_BUILD=1 bench/kafka.sh
fi

# --- models from a repository: a hot swap under load and a colour model (bench/swap.sh) ----------------------------
if [ -n "${BENCH_SKIP_SWAP:-}" ]; then
    log "hot swap and colour model skipped (BENCH_SKIP_SWAP)"
else
    BENCH_SKIP_BUILD=1 bench/swap.sh
fi

# --- cold start: the image's command line against the plain jar, in one run (bench/start.sh) ---------------------
if [ -n "${BENCH_SKIP_START:-}" ]; then
    log "cold start skipped (BENCH_SKIP_START)"
elif [ -n "${BENCH_JDK25:-}" ] || ls -d /usr/lib/jvm/*25*/bin/java >/dev/null 2>&1; then
    bench/start.sh
else
    log "cold start skipped: no JDK 25 (set BENCH_JDK25)"
fi
